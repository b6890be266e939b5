// Baseline for `sockgrade run chat-server`: the eleven tests of
// scenarios/chat-server.yaml, played by hand (see driver.hpp), with the same
// fixed waits (1 s and 1.2 s of silence, 1 s of idleness).
//
// After connecting, sockgrade waits until the program has accepted and every
// thread sleeps (it cannot know more about an unknown program). This driver
// knows the reference server: it waits for the server's "<address> joined"
// line on stderr, the cheapest exact signal there is.
//
//   driver_chat_server PROGRAM [--rounds N]
#include <memory>

#include "driver.hpp"

using namespace bench;

namespace {

struct Room {
    Child& child;
    Pump& pump;
    int port;
    std::string nonce = make_nonce();
    std::vector<std::unique_ptr<Client>> clients;

    Client& connect() {
        clients.push_back(std::make_unique<Client>(pump, port));
        Client& client = *clients.back();
        auto joined = "127.0.0.1:" + std::to_string(client.local_port()) + " joined";
        bool ok = pump.until(
            [&] {
                for (const auto& line : child.err().lines)
                    if (line.ends_with(joined)) return true;
                return false;
            },
            Clock::now() + 1s);
        if (!ok) fail("the server did not say " + joined);
        return client;
    }
    std::vector<Client*> connect(int n) {
        std::vector<Client*> out;
        for (int i = 0; i < n; ++i) out.push_back(&connect());
        return out;
    }
    std::string text(const std::string& words) { return words + " " + nonce; }
    bool say(Client& from, const std::string& words, const std::vector<Client*>& to, Clock::duration within = 2s) {
        from.send(text(words) + "\n");
        return expect_all(pump, to, text(words), within);
    }
};

using Body = std::function<bool(Room&)>;

TestCase chat(std::string name, Body body) {
    return {std::move(name), [body](Child& child, Pump& pump, int port) {
                Room room{child, pump, port, make_nonce(), {}};
                return body(room);
            }};
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<TestCase> cases = {
        chat("broadcast",
             [](Room& r) {
                 auto c = r.connect(3);
                 return r.say(*c[0], "ola pessoal", {c[1], c[2]});
             }),
        chat("every-line",
             [](Room& r) {
                 auto c = r.connect(2);
                 return r.say(*c[0], "primeira", {c[1]}) && r.say(*c[0], "segunda", {c[1]}) &&
                        r.say(*c[0], "terceira", {c[1]});
             }),
        chat("burst-order",
             [](Room& r) {
                 auto c = r.connect(2);
                 for (int i = 1; i <= 20; ++i) c[0]->send(r.text("rajada " + std::to_string(i)) + "\n");
                 int next = 1;
                 return r.pump.until(
                     [&] {
                         while (next <= 20 && c[1]->in().take_line([&](const std::string& l) {
                             return l.ends_with(r.text("rajada " + std::to_string(next)));
                         }))
                             ++next;
                         return next > 20;
                     },
                     Clock::now() + 4s);
             }),
        chat("utf8",
             [](Room& r) {
                 auto c = r.connect(2);
                 return r.say(*c[0], "ação é coração à São Paulo", {c[1]});
             }),
        chat("long-line",
             [](Room& r) {
                 auto c = r.connect(2);
                 return r.say(*c[0], std::string(3000, 'x'), {c[1]}, 3s);
             }),
        chat("concurrent-clients",
             [](Room& r) {
                 Client& a = r.connect();
                 Client& b = r.connect();
                 return r.say(b, "sou o B", {&a}) && r.say(a, "sou o A", {&b});
             }),
        chat("idle-client",
             [](Room& r) {
                 auto c = r.connect(3);
                 return r.say(*c[1], "oi C", {c[2]}) && r.say(*c[2], "oi B", {c[1]}) &&
                        expect_all(r.pump, {c[0]}, r.text("oi B"));
             }),
        chat("reset-leave",
             [](Room& r) {
                 auto c = r.connect(4);
                 if (!r.say(*c[0], "antes", {c[1], c[2], c[3]})) return false;
                 c[2]->close(true);
                 if (!r.say(*c[1], "depois do B", {c[0], c[3]}) || !r.say(*c[3], "depois do D", {c[0], c[1]}))
                     return false;
                 if (!r.child.alive()) return false;
                 Client& e = r.connect();
                 return r.say(e, "cheguei", {c[0], c[1], c[3]}) && r.say(*c[0], "bem-vindo", {&e});
             }),
        chat("clean-leave",
             [](Room& r) {
                 auto c = r.connect(4);
                 if (!r.say(*c[0], "antes", {c[1], c[2], c[3]})) return false;
                 c[1]->close(false);
                 if (!r.say(*c[2], "depois do C", {c[0], c[3]}) || !r.say(*c[0], "depois do A", {c[2], c[3]}))
                     return false;
                 if (!r.child.alive()) return false;
                 Client& e = r.connect();
                 return r.say(e, "cheguei", {c[0], c[2], c[3]}) && r.say(*c[3], "bem-vindo", {&e});
             }),
        chat("idle-after-leave",
             [](Room& r) {
                 auto c = r.connect(3);
                 if (!r.say(*c[0], "ola", {c[1], c[2]})) return false;
                 c[1]->close(true);
                 c[2]->close(false);
                 if (!r.pump.quiet({&c[0]->in()}, 1s, 256)) return false;
                 double cpu = r.child.cpu_seconds();
                 auto t0 = Clock::now();
                 r.pump.until([] { return false; }, t0 + 1s);
                 double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
                 if (100 * (r.child.cpu_seconds() - cpu) / seconds > 25) return false;
                 c[0]->send(r.text("ainda aqui") + "\n");
                 return r.child.alive();
             }),
        chat("newcomer",
             [](Room& r) {
                 auto c = r.connect(2);
                 if (!r.say(*c[0], "ola", {c[1]})) return false;
                 if (!r.pump.quiet({&c[0]->in(), &c[1]->in()}, 1200ms, 256)) return false;
                 Client& n = r.connect();
                 return r.say(n, "cheguei", {c[0], c[1]}) && r.say(*c[1], "bem-vindo", {&n});
             }),
    };
    return run_cases(argc, argv, cases);
}
