// runner/diagnosis: the wording of a cause the runner found itself (a client
// never accepted, a client blocked in recv(), a crash's stderr).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/diagnosis.hpp"

namespace sockgrade::runner {
namespace {

using ::testing::HasSubstr;

TEST(DiagnosisNames, ListsLikeASentence) {
    EXPECT_EQ(names_list({"A"}).en, "A");
    EXPECT_EQ(names_list({"A", "B"}).en, "A and B");
    EXPECT_EQ(names_list({"A", "B", "C"}).en, "A, B and C");
    EXPECT_EQ(names_list({"A", "B", "C"}).pt, "A, B e C");
}

TEST(DiagnosisNeverAccepted, NamesTheWaitingClientAndTheOneBeingServed) {
    auto cause = never_accepted({"B"}, {"A"});
    EXPECT_EQ(cause.en,
              "B's connection was never accepted: the program is still serving A; serve each client at the same time "
              "(a thread per client, or select)");
    EXPECT_EQ(cause.pt,
              "a conexão de B nunca foi aceita: o programa ainda está atendendo A; atenda cada cliente ao mesmo tempo "
              "(uma thread por cliente, ou select)");
}

TEST(DiagnosisNeverAccepted, SeveralClientsWaiting) {
    auto cause = never_accepted({"B", "C"}, {"A"});
    EXPECT_THAT(cause.en, HasSubstr("the connections of B and C were never accepted: the program is still serving A;"));
    EXPECT_THAT(cause.pt, HasSubstr("as conexões de B e C nunca foram aceitas: o programa ainda está atendendo A;"));
}

TEST(DiagnosisBlockedInRecv, SaysAfterWhichLineItStopped) {
    auto first = blocked_in_recv(1);
    EXPECT_EQ(first.en,
              "the program stopped after its first line: it is blocked in recv(), waiting for the server, and does not "
              "read what is typed; read the socket and standard input at the same time (a thread, or select)");
    EXPECT_EQ(first.pt,
              "o programa parou depois da primeira linha: está bloqueado no recv(), esperando o servidor, e não lê o que "
              "é digitado; leia o socket e a entrada padrão ao mesmo tempo (uma thread, ou select)");
    EXPECT_THAT(blocked_in_recv(3).en, HasSubstr("the program stopped after 3 lines:"));
    EXPECT_THAT(blocked_in_recv(0).en, HasSubstr("the program does not read its standard input:"));
}

TEST(DiagnosisStderrTail, KeepsTheLastNonEmptyLinesQuoted) {
    EXPECT_EQ(stderr_tail({}, ""), "");
    EXPECT_EQ(stderr_tail({"Traceback (most recent call last):", "  File \"s.py\", line 3", "", "NameError: x"}, ""),
              "\"Traceback (most recent call last):\" / \"  File \\\"s.py\\\", line 3\" / \"NameError: x\"");
    EXPECT_EQ(stderr_tail({"a", "b"}, "no newline"), "\"a\" / \"b\" / \"no newline\"");
    EXPECT_EQ(stderr_tail({"a", "b", "c", "d"}, "", 2), "\"c\" / \"d\"");
}

TEST(DiagnosisWithCause, TheCauseComesFirstAndTheMessageStaysWhole) {
    auto said = with_cause({"B's connection was never accepted", "a conexão de B nunca foi aceita"},
                           {"B did not receive a line within 2.0 s: nothing arrived", "B não recebeu: nada chegou"});
    EXPECT_EQ(said.en, "B's connection was never accepted. B did not receive a line within 2.0 s: nothing arrived");
    EXPECT_EQ(said.pt, "a conexão de B nunca foi aceita. B não recebeu: nada chegou");
    EXPECT_EQ(with_cause({"x", "x"}, {"the program's stdout did not", "a saída"}).en, "x. The program's stdout did not");
}

}  // namespace
}  // namespace sockgrade::runner
