// Results to render in the report tests: fixed values, no clocks.
#pragma once

#include <string>

#include "runner/result.hpp"

namespace sockgrade::report::testing {

using runner::ScenarioResult;
using runner::TestResult;
using runner::TranscriptEntry;

inline TranscriptEntry entry(double seconds, std::string party, char direction, std::string text) {
    return {seconds, std::move(party), direction, {std::move(text), {}}};
}

// An event with its words in both languages, as the runner records them.
inline TranscriptEntry event(double seconds, std::string party, std::string en, std::string pt) {
    return {seconds, std::move(party), '*', {std::move(en), std::move(pt)}};
}

// Every test passes.
inline ScenarioResult all_passing() {
    ScenarioResult result;
    result.scenario = "tcp-server";
    result.title = {"Echo server", "Servidor de eco"};
    result.command = "./echo_server {port}";
    result.seconds = 1.5;

    TestResult echo;
    echo.name = "echo-one-line";
    echo.title = {"Echoes one line", "Ecoa uma linha"};
    echo.passed = true;
    echo.points = echo.max_points = 2;
    echo.message = {"The echo arrived.", "O eco chegou."};
    echo.seconds = 0.25;
    echo.passes = 1;
    echo.transcript = {event(0, "program", "started", "iniciado"), entry(0.1, "A", '>', R"("ping\n")"),
                       entry(0.101, "A", '<', R"("ping\n")")};

    TestResult many;
    many.name = "many-clients";
    many.title = {"Serves clients one after another", "Atende clientes um após o outro"};
    many.passed = true;
    many.points = many.max_points = 1.5;
    many.seconds = 0.75;
    many.passes = 1;

    result.tests = {echo, many};
    result.score = 3.5;
    result.max_score = 3.5;
    return result;
}

// A failure with a long transcript, a hidden failure, flaky tests, a missing
// Portuguese text, accents, a control character and <&" in texts.
inline ScenarioResult mixed() {
    ScenarioResult result;
    result.scenario = "chat-server";
    result.title = {"Chat server", "Servidor de chat"};
    result.command = "python3 chat.py {port}";
    result.seconds = 12.3456;
    result.notes = {"network namespaces unavailable: tests ran one at a time on the host network"};

    TestResult broadcast;
    broadcast.name = "broadcast";
    broadcast.title = {"Broadcast to all clients", "Difusão para todos os clientes"};
    broadcast.passed = true;
    broadcast.points = broadcast.max_points = 2;
    broadcast.seconds = 0.812;
    broadcast.passes = 1;
    broadcast.transcript = {event(0, "program", "started", "iniciado")};

    TestResult reset;
    reset.name = "reset-leave";
    reset.title = {"A client that resets leaves the chat", "Um cliente que reinicia sai do chat"};
    reset.passed = false;
    reset.points = 0;
    reset.max_points = 3;
    reset.message = {"B received \"sai\x01 <&>\" instead of \"ola 7f3a ação\".",
                     "B recebeu \"sai\x01 <&>\" em vez de \"ola 7f3a ação\"."};
    reset.feedback = {"When recv() fails for one client, close that socket\nand keep serving the others.",
                      "Quando recv() falha para um cliente, feche esse socket\ne continue atendendo os outros."};
    reset.where = "chat-server.yaml:40";
    reset.seconds = 2.1;
    reset.passes = 0;
    reset.transcript.push_back(event(0, "program", "started", "iniciado"));
    for (int i = 1; i <= 22; ++i)
        reset.transcript.push_back(entry(0.01 * i, i % 2 ? "A" : "B", i % 2 ? '>' : '<',
                                         "\"line " + std::to_string(i) + "\\n\""));
    reset.transcript.push_back(event(0.3, "C", "reset", "resetou"));
    reset.transcript.push_back(entry(0.401, "A", '>', R"("ola 7f3a ação\n")"));
    reset.transcript.push_back(entry(0.412, "stdout", '<', R"("sai\x01 <&>\n")"));

    TestResult late;
    late.name = "late-join";
    late.title = {"A client joins later", ""};  // no Portuguese: English is shown
    late.passed = true;
    late.points = late.max_points = 1;
    late.seconds = 0.5;
    late.runs = 10;
    late.passes = 7;

    TestResult secret;
    secret.name = "secret-flood";
    secret.title = {"Survives a flood", "Sobrevive a uma inundação"};
    secret.hidden = true;
    secret.passed = false;
    secret.points = 0;
    secret.max_points = 2;
    secret.message = {"The program died after 4 MiB.", "O programa morreu depois de 4 MiB."};
    secret.feedback = {"Read in a loop; do not buffer everything.", "Leia em laço; não guarde tudo."};
    secret.where = "chat-server.yaml:77";
    secret.seconds = 3;
    secret.transcript = {event(0, "program", "started", "iniciado"),
                         event(1.5, "program", "exited with status 139", "terminou com status 139")};

    TestResult burst;
    burst.name = "burst-order";
    burst.title = {"Keeps the order of a burst", "Mantém a ordem de uma rajada"};
    burst.passed = false;
    burst.points = 0;
    burst.max_points = 2;
    burst.message = {"Line 3 of the burst arrived before line 2.", "A linha 3 da rajada chegou antes da linha 2."};
    burst.where = "chat-server.yaml:91";
    burst.seconds = 1.25;
    burst.runs = 10;
    burst.passes = 3;
    burst.transcript = {entry(0.2, "B", '<', R"("msg 1\n")"), entry(0.21, "B", '<', R"("msg 3\n")")};

    result.tests = {broadcast, reset, late, secret, burst};
    result.score = 3;
    result.max_score = 10;
    return result;
}

}  // namespace sockgrade::report::testing
