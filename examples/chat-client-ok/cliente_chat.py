# Cliente do chat: uma thread recebe do servidor enquanto a principal le o teclado
import os
import socket
import sys
import threading

HOST = '127.0.0.1'
PORT = 5000


def receber(tcp):
    while True:
        dados = tcp.recv(1024)
        if not dados:               # o servidor fechou a conexao
            sys.stdout.flush()
            os._exit(0)             # termina o programa todo, mesmo com input() esperando
        sys.stdout.buffer.write(dados)
        sys.stdout.flush()


tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.connect((HOST, PORT))

t = threading.Thread(target=receber, args=(tcp,))
t.daemon = True
t.start()

for linha in sys.stdin:
    if not linha.endswith('\n'):
        linha = linha + '\n'
    tcp.sendall(linha.encode('utf-8'))

tcp.shutdown(socket.SHUT_WR)        # fim do teclado: avisa o servidor e sai
sys.exit(0)
