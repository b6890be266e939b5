#include "batch/detect.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "batch_support.hpp"

namespace sockgrade::batch {
namespace {

using testing::TempDir;

const Lab tcp_server{"tcp-server", true, "tcp"};
const Lab tcp_client{"tcp-client", false, "tcp"};
const Lab chat_server{"chat-server", true, "tcp"};
const Lab udp_server{"udp-server", true, "udp"};

DetectOptions python3_only() {
    DetectOptions options;
    options.python = [](const std::string&) { return PythonVerdict{3, ""}; };
    return options;
}

TEST(NameFit, FitsTheLab) {
    EXPECT_GT(name_fit("servidor.py", tcp_server), name_fit("cliente.py", tcp_server));
    EXPECT_GT(name_fit("Client.java", tcp_client), name_fit("Server.java", tcp_client));
    EXPECT_GT(name_fit("servidor_chat.py", chat_server), name_fit("servidor.py", chat_server));
    EXPECT_GT(name_fit("servidor.py", tcp_server), name_fit("servidor_chat.py", tcp_server));
    EXPECT_GT(name_fit("udp_server.c", udp_server), name_fit("tcp_server.c", udp_server));
}

TEST(Detect, OnePythonFile) {
    TempDir dir;
    dir.write("servidor.py", "print(1)\n");
    auto plan = detect(dir.path(), tcp_server, python3_only());
    EXPECT_EQ(plan.status, PlanStatus::ok);
    EXPECT_EQ(plan.how, "python3");
    EXPECT_EQ(plan.run, "python3 servidor.py");
    EXPECT_TRUE(plan.build.empty());
    EXPECT_TRUE(plan.notes.empty());
    EXPECT_EQ(plan.sources, (std::vector<std::string>{"servidor.py"}));
}

// Issue 18: a server that takes its port from argv gets it ({port}); a client,
// or a mention in a comment or a string, does not.
TEST(Detect, AServerThatReadsItsPortFromArgvGetsIt) {
    TempDir py;
    py.write("servidor.py", "import sys\nPORT = int(sys.argv[1])\n");
    auto plan = detect(py.path(), tcp_server, python3_only());
    EXPECT_EQ(plan.run, "python3 servidor.py {port}");
    EXPECT_NE(std::find(plan.notes.begin(), plan.notes.end(),
                        "servidor.py reads its port from the command line: run with the port as its argument"),
              plan.notes.end());
    auto client = detect(py.path(), tcp_client, python3_only());
    EXPECT_EQ(client.run, "python3 servidor.py");

    TempDir commented;
    commented.write("servidor.py", "import sys\n# PORT = int(sys.argv[1])\nprint('use sys.argv[1]')\n");
    EXPECT_EQ(detect(commented.path(), tcp_server, python3_only()).run, "python3 servidor.py");

    TempDir c;
    c.write("servidor.c", "#include <stdlib.h>\nint main(int argc, char *argv[ ]) { int port = atoi(argv[ 1 ]); }\n");
    EXPECT_EQ(detect(c.path(), tcp_server, python3_only()).run, "./servidor {port}");
    TempDir java;
    java.write("Servidor.java", "class Servidor { public static void main(String[] args) { int p = Integer.parseInt(args[0]); } }\n");
    EXPECT_NE(detect(java.path(), tcp_server, python3_only()).run.find("Servidor {port}"), std::string::npos);
}

TEST(Detect, SeveralCandidatesTheNameDecidesAndSaysSo) {
    TempDir dir;
    dir.write("cliente.py", "x\n");
    dir.write("meu servidor.py", "x\n");
    dir.write("test_servidor.py", "x\n");
    auto plan = detect(dir.path(), tcp_server, python3_only());
    EXPECT_EQ(plan.run, "python3 'meu servidor.py'");
    ASSERT_EQ(plan.notes.size(), 1u);
    EXPECT_EQ(plan.notes[0], "several programs (cliente.py, meu servidor.py); chose meu servidor.py as the best fit for tcp-server");
    auto client = detect(dir.path(), tcp_client, python3_only());
    EXPECT_EQ(client.run, "python3 cliente.py");
}

TEST(Detect, PythonTwoAndBroken) {
    TempDir dir;
    dir.write("servidor.py", "print 'x'\n");
    DetectOptions options;
    options.python2_command = "python2";
    options.python2_env = {{"PYENV_VERSION", "2.7.18"}};
    options.python = [](const std::string&) { return PythonVerdict{2, ""}; };
    auto plan = detect(dir.path(), tcp_server, options);
    EXPECT_EQ(plan.how, "python2");
    EXPECT_EQ(plan.run, "python2 servidor.py");
    EXPECT_EQ(plan.env.at("PYENV_VERSION"), "2.7.18");
    options.python = [](const std::string&) { return PythonVerdict{0, "SyntaxError: invalid syntax"}; };
    auto broken = detect(dir.path(), tcp_server, options);
    EXPECT_EQ(broken.status, PlanStatus::build_failed);
    EXPECT_EQ(broken.problem.en, "servidor.py does not compile (a syntax error)");
    EXPECT_EQ(broken.problem.pt, "servidor.py não compila (um erro de sintaxe)");
    EXPECT_EQ(broken.detail, "SyntaxError: invalid syntax");
}

TEST(Detect, CAndCppCompileWithHelpers) {
    TempDir dir;
    dir.write("servidor.c", "#include \"rede.h\"\nint main(void) { return 0; }\n");
    dir.write("rede.c", "int ajuda(void) { return 1; }\n");
    dir.write("cliente.c", "int main(void) { return 0; }\n");
    auto plan = detect(dir.path(), tcp_server, python3_only());
    EXPECT_EQ(plan.how, "c");
    EXPECT_EQ(plan.build, "gcc -std=gnu17 -O2 -pthread -o servidor servidor.c rede.c -lm");
    EXPECT_EQ(plan.run, "./servidor");
    TempDir cpp;
    cpp.write("chat.cpp", "int main() {}\n");
    auto cpp_plan = detect(cpp.path(), chat_server, python3_only());
    EXPECT_EQ(cpp_plan.how, "c++");
    EXPECT_EQ(cpp_plan.build, "g++ -std=gnu++20 -O2 -pthread -o chat chat.cpp");
}

TEST(Detect, JavaWithAndWithoutPackage) {
    TempDir dir;
    dir.write("Servidor.java", "public class Servidor { public static void main(String[] a) {} }\n");
    dir.write("Util.java", "class Util {}\n");
    auto plan = detect(dir.path(), tcp_server, python3_only());
    EXPECT_EQ(plan.how, "java");
    EXPECT_EQ(plan.build, "javac -encoding UTF-8 -sourcepath . -d . Servidor.java");
    EXPECT_TRUE(plan.run.ends_with(" -cp . Servidor")) << plan.run;
    TempDir pkg;
    pkg.write("Servidor.java", "package br.escola;\npublic class Servidor { static public void main(String[] a) {} }\n");
    EXPECT_TRUE(detect(pkg.path(), tcp_server, python3_only()).run.ends_with(" -cp . br.escola.Servidor"));
}

TEST(Detect, RunAndBuildFilesWin) {
    TempDir dir;
    dir.write("run", "\n# comment\n./srv\n");
    dir.write("build", "gcc -o srv srv.c\n");
    dir.write("servidor.py", "x");
    auto plan = detect(dir.path(), tcp_server, python3_only());
    EXPECT_EQ(plan.how, "run file");
    EXPECT_EQ(plan.run, "./srv");
    EXPECT_EQ(plan.build, "gcc -o srv srv.c");
    DetectOptions teacher = python3_only();
    teacher.run = "python3 servidor.py";
    auto overridden = detect(dir.path(), tcp_server, teacher);
    EXPECT_EQ(overridden.how, "--run");
    EXPECT_EQ(overridden.run, "python3 servidor.py");
    EXPECT_EQ(overridden.build, "gcc -o srv srv.c");
}

TEST(Detect, SockgradeYaml) {
    TempDir dir;
    dir.write(".sockgrade.yaml", "lab: chat-server\nrun: python3 main.py\nport: 6000\n");
    auto plan = detect(dir.path(), tcp_server, python3_only());
    EXPECT_EQ(plan.how, ".sockgrade.yaml");
    EXPECT_EQ(plan.run, "python3 main.py");
    EXPECT_EQ(plan.port, 6000);
    ASSERT_EQ(plan.notes.size(), 1u);
    EXPECT_EQ(plan.notes[0], ".sockgrade.yaml says lab 'chat-server'; graded as 'tcp-server'");
    TempDir bad;
    bad.write(".sockgrade.yaml", "lab: tcp-server\nrun: x\ncolour: blue\n");
    auto wrong = detect(bad.path(), tcp_server, python3_only());
    EXPECT_EQ(wrong.status, PlanStatus::bad_config);
    EXPECT_TRUE(wrong.problem.en.starts_with(".sockgrade.yaml:3:1: unknown key 'colour'")) << wrong.problem.en;
    // The student's folder is a scratch copy: the file's own name starts the line in both languages.
    EXPECT_TRUE(wrong.problem.pt.starts_with(".sockgrade.yaml:3:1: chave desconhecida 'colour'")) << wrong.problem.pt;
}

TEST(Detect, SockgradeYamlWithoutRunLeavesTheProgramToBeFound) {
    TempDir dir;
    dir.write(".sockgrade.yaml", "lab: tcp-server\nport: 6000\nbuild: make\n");
    dir.write("servidor.py", "x\n");
    auto plan = detect(dir.path(), tcp_server, python3_only());
    EXPECT_EQ(plan.status, PlanStatus::ok);
    EXPECT_EQ(plan.how, "python3");
    EXPECT_EQ(plan.run, "python3 servidor.py");
    EXPECT_EQ(plan.port, 6000);
    EXPECT_EQ(plan.chosen, "servidor.py");
    EXPECT_EQ(plan.programs, 1);
    EXPECT_EQ(plan.notes, std::vector<std::string>{"'build' in .sockgrade.yaml without 'run' was ignored"});
}

TEST(Detect, ProgramFilesAreTheCandidates) {
    TempDir dir;
    dir.write("lab/servidor.py", "x\n");
    dir.write("lab/servidor.c", "int main(void) { return 0; }\n");
    dir.write("lab/rede.c", "int ajuda(void) { return 1; }\n");
    dir.write("lab/test_servidor.py", "x\n");
    auto files = program_files(dir.path());
    ASSERT_EQ(files.size(), 2u);
    EXPECT_EQ(files[0].file, "lab/servidor.c");
    EXPECT_EQ(files[0].kind, "c");
    EXPECT_EQ(files[1].file, "lab/servidor.py");
    EXPECT_EQ(files[1].kind, "python");
}

TEST(Detect, MakefileWithC) {
    TempDir dir;
    dir.write("Makefile", "all:\n\tgcc -o srv servidor.c\n");
    dir.write("servidor.c", "int main(void) { return 0; }\n");
    auto plan = detect(dir.path(), tcp_server, python3_only());
    EXPECT_EQ(plan.how, "make");
    EXPECT_EQ(plan.build, "make");
    EXPECT_TRUE(plan.run_built_executable());
}

TEST(Detect, NothingToRun) {
    TempDir dir;
    dir.write("LEIAME.txt", "desculpa\n");
    auto plan = detect(dir.path(), tcp_server, python3_only());
    EXPECT_EQ(plan.status, PlanStatus::no_program);
    EXPECT_TRUE(plan.problem.en.starts_with("no program found")) << plan.problem.en;
    EXPECT_TRUE(plan.problem.pt.starts_with("nenhum programa encontrado")) << plan.problem.pt;
}

TEST(Detect, BinariesThatCannotRunHere) {
    TempDir windows;
    windows.write("servidor.exe", std::string("MZ\x90\0\x03\0\0\0", 8) + std::string(64, '\0'));
    auto plan = detect(windows.path(), tcp_server, python3_only());
    EXPECT_EQ(plan.status, PlanStatus::cannot_run);
    EXPECT_EQ(plan.problem.en, "'servidor.exe' is a Windows program: it cannot run here (Linux); hand in the source code");
    EXPECT_EQ(plan.problem.pt, "'servidor.exe' é um programa para Windows: não roda aqui (Linux); entregue o código-fonte");

    TempDir arm;
    std::string elf = std::string("\x7f" "ELF\x02\x01\x01", 7) + std::string(11, '\0');
    elf += std::string("\xb7\x00", 2);  // e_machine 183: aarch64
    elf += std::string(64, '\0');
    arm.write("servidor", elf);
    auto foreign = detect(arm.path(), tcp_server, python3_only());
    EXPECT_EQ(foreign.status, PlanStatus::cannot_run);
    EXPECT_NE(foreign.problem.en.find("ARM64"), std::string::npos) << foreign.problem.en;
    EXPECT_NE(foreign.problem.pt.find("ARM64"), std::string::npos) << foreign.problem.pt;
}

TEST(Detect, NestedFolders) {
    TempDir dir;
    dir.write("entrega/lab 1/servidor.py", "x\n");
    dir.write("entrega/LEIAME.md", "x\n");
    auto plan = detect(dir.path(), tcp_server, python3_only());
    EXPECT_EQ(plan.status, PlanStatus::ok);
    EXPECT_EQ(plan.workdir, "entrega/lab 1");
    EXPECT_EQ(plan.run, "python3 servidor.py");
    ASSERT_EQ(plan.notes.size(), 1u);
    EXPECT_EQ(plan.notes[0], "found in the folder 'entrega/lab 1'");
}

TEST(ShellQuote, QuotesOnlyWhenNeeded) {
    EXPECT_EQ(shell_quote("servidor.py"), "servidor.py");
    EXPECT_EQ(shell_quote("meu servidor.py"), "'meu servidor.py'");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_quote("$(rm -rf)"), "'$(rm -rf)'");
}

}  // namespace
}  // namespace sockgrade::batch
