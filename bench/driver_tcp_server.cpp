// Baseline for `sockgrade run tcp-server`: the five tests of
// scenarios/tcp-server.yaml, played by hand (see driver.hpp).
//
//   driver_tcp_server PROGRAM [--rounds N]
#include <regex>

#include "driver.hpp"

using namespace bench;

int main(int argc, char** argv) {
    auto stdout_has = [](Child& child, Pump& pump, const std::function<bool(const std::string&)>& match) {
        return pump.until([&] { return child.out().take_line(match); }, Clock::now() + 2s);
    };
    std::vector<TestCase> cases = {
        {"listens-on-port",
         [](Child&, Pump& pump, int port) {
             Client a(pump, port);
             return true;
         }},
        {"prints-message",
         [&](Child& child, Pump& pump, int port) {
             Client a(pump, port);
             auto text = "ola " + make_nonce() + " mundo";
             a.send(text + "\n");
             return stdout_has(child, pump, [&](const std::string& l) { return l.find(text) != std::string::npos; });
         }},
        {"prints-client-address",
         [&](Child& child, Pump& pump, int port) {
             Client a(pump, port);
             a.send("oi " + make_nonce() + "\n");
             std::regex address("127\\.0\\.0\\.1\\D{1,4}" + std::to_string(a.local_port()) + "(?!\\d)");
             return stdout_has(child, pump, [&](const std::string& l) { return std::regex_search(l, address); });
         }},
        {"prints-accents",
         [&](Child& child, Pump& pump, int port) {
             Client a(pump, port);
             auto text = "ação " + make_nonce() + " coração";
             a.send(text + "\n");
             return stdout_has(child, pump, [&](const std::string& l) { return l.find(text) != std::string::npos; });
         }},
        {"closes-connection",
         [](Child&, Pump& pump, int port) {
             Client a(pump, port);
             a.send("tchau " + make_nonce() + "\n");
             return pump.until([&] { return a.in().closed; }, Clock::now() + 2s);
         }},
    };
    return run_cases(argc, argv, cases);
}
