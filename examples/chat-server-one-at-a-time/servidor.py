# Servidor de chat
import socket

HOST = ''
PORT = 5000

tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind((HOST, PORT))
tcp.listen(5)

clientes = []

while True:
    con, cliente = tcp.accept()
    print('Conectado por', cliente)
    clientes.append(con)
    while True:
        msg = con.recv(1024)
        if not msg:
            break
        print(cliente, msg.decode())
        for c in clientes:
            if c != con:
                c.send(msg)
    print('Finalizando conexao do cliente', cliente)
    clientes.remove(con)
    con.close()
