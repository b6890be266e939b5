# Servidor de chat com threads (trabalho de casa)
# Cada cliente tem a sua thread; cada linha que um cliente manda
# vai para todos os outros clientes.
import os
import socket
import threading

HOST = ''
PORT = 5000
if os.environ.get('PORT'):          # o corretor pode escolher outra porta
    PORT = int(os.environ['PORT'])

clientes = []                       # conexoes de todos os clientes ligados
trava = threading.Lock()            # protege a lista de clientes


def enviar_para_todos(remetente, mensagem):
    with trava:
        for outro in list(clientes):
            if outro is remetente:
                continue
            try:
                outro.sendall(mensagem)
            except OSError:
                # esse cliente caiu; a thread dele vai tirar ele da lista
                pass


def atender(con, cliente):
    print('Conectado por', cliente)
    nome = '%s:%d' % cliente
    arquivo = con.makefile('rb')    # le linha por linha, mesmo se o TCP partir as mensagens
    try:
        for linha in arquivo:
            if not linha.endswith(b'\n'):
                linha = linha + b'\n'
            enviar_para_todos(con, nome.encode() + b': ' + linha)
    except OSError:
        pass                        # conexao resetada pelo cliente
    with trava:
        clientes.remove(con)
    print('Cliente saiu', cliente)
    con.close()


tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind((HOST, PORT))
tcp.listen(10)
print('Servidor de chat na porta', PORT)

while True:
    con, cliente = tcp.accept()
    with trava:
        clientes.append(con)
    t = threading.Thread(target=atender, args=(con, cliente))
    t.daemon = True
    t.start()
