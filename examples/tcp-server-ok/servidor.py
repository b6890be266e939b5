# Servidor TCP - o exemplo dos slides, passado para Python 3
import socket

HOST = ''              # Endereco IP do Servidor (todas as interfaces)
PORT = 5000            # Porta que o Servidor esta
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
orig = (HOST, PORT)
tcp.bind(orig)
tcp.listen(1)
con, cliente = tcp.accept()
print('Conectado por', cliente)
msg = con.recv(1024)
print(cliente, msg.decode('utf-8'))
print('Finalizando conexao do cliente', cliente)
con.close()
