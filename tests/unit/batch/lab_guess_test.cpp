#include "batch/lab_guess.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "batch_support.hpp"

namespace sockgrade::batch {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;
using Labs = std::vector<std::string>;

const fs::path examples = fs::path(SOCKGRADE_TESTS_DIR).parent_path() / "examples";
const fs::path students = fs::path(SOCKGRADE_TESTS_DIR) / "fixtures" / "students";

// The guess for one file of tests/fixtures/students, alone in a folder.
LabGuess guess_for_student(const std::string& name) {
    TempDir dir;
    fs::copy(students / name, fs::is_directory(students / name) ? fs::path(dir.path()) : dir / name,
             fs::copy_options::recursive);
    return guess_lab(dir.path());
}

TEST(LabGuess, TheExamplesThatSayEnough) {
    EXPECT_EQ(guess_lab((examples / "tcp-server-ok").string()).labs, Labs{"tcp-server"});
    auto chat = guess_lab((examples / "chat-server-threads").string());
    EXPECT_EQ(chat.labs, Labs{"chat-server"});
    EXPECT_EQ(chat.why.en, "servidor_chat.py is a TCP server with threads or select and a list of clients");
    EXPECT_EQ(chat.why.pt, "servidor_chat.py é um servidor TCP com threads ou select e uma lista de clientes");
    EXPECT_EQ(guess_lab((examples / "chat-client-ok").string()).labs, Labs{"chat-client"});
}

TEST(LabGuess, TheExamplesThatDoNotAreQuestions) {
    // A list of clients but one client at a time: a chat server that fails, or a TCP server?
    auto server = guess_lab((examples / "chat-server-one-at-a-time").string());
    EXPECT_FALSE(server.sure());
    EXPECT_EQ(server.labs, (Labs{"tcp-server", "chat-server"}));
    EXPECT_EQ(server.question().en,
              "cannot tell which lab this is: servidor.py is a TCP server with a list of clients but no threads or "
              "select, which fits tcp-server or chat-server; say which with --lab tcp-server or --lab chat-server "
              "(or lab: in .sockgrade.yaml)");
    // Reads the keyboard and the server in turn: a chat client that blocks, or a TCP client?
    auto client = guess_lab((examples / "chat-client-blocking").string());
    EXPECT_EQ(client.labs, (Labs{"tcp-client", "chat-client"}));
}

TEST(LabGuess, StudentsInEveryLanguageAndLab) {
    EXPECT_EQ(guess_for_student("tcp-server--slides-py2.py").labs, Labs{"tcp-server"});
    EXPECT_EQ(guess_for_student("tcp-server--c-ok.c").labs, Labs{"tcp-server"});
    EXPECT_EQ(guess_for_student("tcp-client--slides-py2.py").labs, Labs{"tcp-client"});
    EXPECT_EQ(guess_for_student("tcp-client--java-ok").labs, Labs{"tcp-client"});
    EXPECT_EQ(guess_for_student("udp-server--py3-ok.py").labs, Labs{"udp-server"});
    EXPECT_EQ(guess_for_student("udp-client--py3-ok.py").labs, Labs{"udp-client"});
    EXPECT_EQ(guess_for_student("chat-server--asyncio-ok.py").labs, Labs{"chat-server"});
    EXPECT_EQ(guess_for_student("chat-server--bytes-repr.py").labs, Labs{"chat-server"});
    EXPECT_EQ(guess_for_student("chat-client--py3-ok.py").labs, Labs{"chat-client"});
}

TEST(LabGuess, ABroadcastLoopIsAListOfClients) {
    // select() and a dict of buffers: no "clients" anywhere, but it sends to each of them.
    auto signs = read_signs("import select, socket\ns = socket.socket()\ns.listen(5)\nbuffers = {}\n"
                            "def broadcast(sender, data):\n    for other in list(buffers):\n"
                            "        if other is not sender:\n            other.sendall(data)\n",
                            "python");
    EXPECT_TRUE(signs.concurrent);
    EXPECT_TRUE(signs.client_list);
    EXPECT_EQ(guess_file("srv.py", signs).labs, Labs{"chat-server"});
}

TEST(LabGuess, CommentsStringsAndIncludesAreNotEvidence) {
    auto python = read_signs("# clientes, threads, select\nimport socket\nprint('esperando clientes com threads')\n"
                             "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\ns.bind(('', 5000))\ns.listen(1)\n"
                             "c, a = s.accept()\n",
                             "python");
    EXPECT_FALSE(python.client_list);
    EXPECT_FALSE(python.concurrent);
    EXPECT_EQ(guess_file("s.py", python).labs, Labs{"tcp-server"});
    auto c = read_signs("#include <sys/select.h>\n/* clients[] and threads */\n// select()\n"
                        "int main(void) { int s = socket(AF_INET, SOCK_STREAM, 0); listen(s, 1); accept(s, 0, 0); }\n",
                        "c");
    EXPECT_FALSE(c.client_list);
    EXPECT_FALSE(c.concurrent);
    EXPECT_TRUE(c.listens);
    auto java = read_signs("class S { String t = \"clients\"; ServerSocket s = new ServerSocket(5000); }", "java");
    EXPECT_FALSE(java.client_list);
    EXPECT_TRUE(java.tcp);
}

TEST(LabGuess, UdpRolesInPythonCAndJava) {
    EXPECT_EQ(guess_file("a.c", read_signs("int main(){int s=socket(AF_INET,SOCK_DGRAM,0);bind(s,0,0);recvfrom(s,0,0,0,0,0);}", "c")).labs,
              Labs{"udp-server"});
    EXPECT_EQ(guess_file("b.py", read_signs("import socket\nu = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                                            "u.sendto(input().encode(), ('127.0.0.1', 5000))\n",
                                            "python"))
                  .labs,
              Labs{"udp-client"});
    EXPECT_EQ(guess_file("S.java", read_signs("DatagramSocket s = new DatagramSocket(5000); s.receive(p);", "java")).labs,
              Labs{"udp-server"});
    EXPECT_EQ(guess_file("C.java", read_signs("DatagramSocket s = new DatagramSocket(); s.send(p);", "java")).labs,
              Labs{"udp-client"});
}

TEST(LabGuess, TheNameBreaksATieAndSaysSo) {
    SourceSigns listens_with_list;
    listens_with_list.tcp = listens_with_list.listens = listens_with_list.client_list = true;
    EXPECT_EQ(guess_file("servidor.py", listens_with_list).labs, (Labs{"tcp-server", "chat-server"}));
    auto named = guess_file("servidor_chat.py", listens_with_list);
    EXPECT_EQ(named.labs, Labs{"chat-server"});
    EXPECT_EQ(named.why.en, "servidor_chat.py is a TCP server with a list of clients but no threads or select, and "
                            "its name says chat");
    // Even a plain TCP server's source: its author called it the chat server.
    SourceSigns plain_server;
    plain_server.tcp = plain_server.listens = true;
    EXPECT_EQ(guess_file("chat_server.py", plain_server).labs, Labs{"chat-server"});
    EXPECT_EQ(guess_file("server.py", plain_server).labs, Labs{"tcp-server"});
}

TEST(LabGuess, NoSocketCodeLeavesTheNameToSay) {
    TempDir dir;
    dir.write("servidor.py", "print('ola')\n");
    auto guess = guess_lab(dir.path());
    EXPECT_EQ(guess.labs, (Labs{"tcp-server", "udp-server", "chat-server"}));
    EXPECT_EQ(guess.question().en,
              "cannot tell which lab this is: servidor.py is a program with no socket code recognised, which fits "
              "tcp-server, udp-server or chat-server; say which with --lab tcp-server, --lab udp-server or --lab "
              "chat-server (or lab: in .sockgrade.yaml)");
}

TEST(LabGuess, SeveralProgramsAndHelpers) {
    TempDir pair;
    pair.write("servidor.py", "import socket\ns = socket.socket()\ns.bind(('', 5000))\ns.listen(1)\ns.accept()\n");
    pair.write("cliente.py", "import socket\ns = socket.socket()\ns.connect(('127.0.0.1', 5000))\ns.send(input().encode())\n");
    EXPECT_EQ(guess_lab(pair.path()).labs, (Labs{"tcp-server", "tcp-client"}));
    // A helper with no socket code is not the program.
    pair.write("util.py", "def f():\n    return 1\n");
    fs::remove(pair / "cliente.py");
    auto guess = guess_lab(pair.path());
    EXPECT_EQ(guess.labs, Labs{"tcp-server"});
    EXPECT_EQ(guess.why.en, "servidor.py is a TCP server with no threads and no list of clients");
}

TEST(LabGuess, NothingToGuessFrom) {
    TempDir empty;
    empty.write("LEIAME.txt", "oi\n");
    auto guess = guess_lab(empty.path());
    EXPECT_TRUE(guess.labs.empty());
    EXPECT_FALSE(guess.sure());
    EXPECT_EQ(guess.question().en,
              "cannot tell which lab this is: no program found (a .py, .c, .cpp or .java file with a main); say which "
              "lab with --lab NAME, or with lab: in .sockgrade.yaml");
}

}  // namespace
}  // namespace sockgrade::batch
