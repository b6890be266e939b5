# Cliente do chat
import socket

HOST = '127.0.0.1'
PORT = 5000

tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.connect((HOST, PORT))
print('Digite suas mensagens:')
while True:
    msg = input()
    tcp.send((msg + '\n').encode())
    resposta = tcp.recv(1024)
    print(resposta.decode())
