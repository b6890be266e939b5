// The scenario model: what a YAML scenario says, as plain structs.
// Loaded and validated once (loader.hpp); nothing here runs anything.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/text.hpp"

namespace sockgrade::scenario {

using Duration = std::chrono::milliseconds;

// Where in the YAML file something was written (1-based), for messages.
struct Mark {
    int line = 0;
    int column = 0;
};

// A text in the two languages a report can speak. Missing pt falls back to en.
using util::Text;

enum class Protocol { tcp, udp };
enum class Role { server, client };

// Kinds of fake party. "client" peers connect/send to the program;
// "server" peers listen/bind and wait for the program.
enum class PeerKind { tcp_client, tcp_server, udp_client, udp_server };

// The kind as a scenario writes it: "tcp-client", "udp-server"...
inline std::string kind_name(PeerKind kind) {
    switch (kind) {
        case PeerKind::tcp_client: return "tcp-client";
        case PeerKind::tcp_server: return "tcp-server";
        case PeerKind::udp_client: return "udp-client";
        case PeerKind::udp_server: return "udp-server";
    }
    return "?";
}

inline bool is_tcp(PeerKind kind) { return kind == PeerKind::tcp_client || kind == PeerKind::tcp_server; }

// A closed range that a fault draws a value from, with the test run's seed.
template <typename T>
struct Range {
    T low{};
    T high{};
};

// What a peer does to its traffic, as a real network would (a test's
// `faults:`). Every choice is drawn from the run's seed (--seed replays it).
struct Faults {
    // TCP, what the peer sends.
    std::optional<Range<int>> split;       // each write leaves in segments of this many bytes
    std::optional<Range<int>> coalesce;    // copies of a burst joined into one write (INT_MAX: all)
    std::optional<Range<Duration>> gap;    // pause between segments and writes
    // TCP, what the peer receives.
    enum class Read { normal, slow, none };
    Read read = Read::normal;
    int read_size = 0;                     // Read::slow: bytes per read
    Duration read_every{0};                // Read::slow: pause between reads
    std::optional<std::int64_t> receive_buffer;  // SO_RCVBUF, set before the connection opens
    // TCP: an RST once this many lines were received / sent.
    std::optional<Range<int>> reset_after_received;
    std::optional<Range<int>> reset_after_sent;
    // UDP: datagrams on the path between the peer and the program.
    enum class Direction { both, to_program, from_program };
    double drop = 0;                       // probabilities, 0..1
    double duplicate = 0;
    double reorder = 0;                    // held back and delivered after the next one
    std::optional<Range<Duration>> delay;
    Direction direction = Direction::both;
    Mark mark;

    bool tcp_send() const { return split || coalesce || gap || reset_after_sent; }
    bool any() const {
        return tcp_send() || read != Read::normal || receive_buffer || reset_after_received || drop > 0 ||
               duplicate > 0 || reorder > 0 || delay;
    }
};

struct Peer {
    std::string name;
    PeerKind kind = PeerKind::tcp_client;
    std::optional<int> port;  // for server peers; default: the program's port
    Faults faults;            // none unless the test's `faults:` names this peer
    Mark mark;
};

// How a line, datagram or stream is matched. Exactly one of the kinds is set.
// Patterns may hold {nonce}, {port}, {i}, {fill:N}, {PEER.port} and captured names;
// in a regex the substituted values are escaped.
struct Matcher {
    enum class Kind { equals, ends_with, contains, regex };
    Kind kind = Kind::equals;
    std::string pattern;
    // With a regex: names for its groups, stored as variables for later steps.
    std::map<std::string, int> capture;
    Mark mark;
};

enum class Stream { stdout_, stderr_ };

// What a step acts on: a list of peers, or the program itself.
struct Target {
    std::vector<std::string> peers;  // empty when the target is the program
    bool program = false;
    Stream stream = Stream::stdout_;  // for expectations on the program's output
};

struct Step {
    enum class Action {
        connect,         // tcp-client peers connect to the program; expects acceptance
        send,            // peers send text (a udp-client sends one datagram)
        burst,           // peers send `count` copies of text with {i} = 1..count
        close,           // peers close: fin (shutdown+close) or reset (RST)
        stdin_write,     // write text to the program's stdin
        stdin_close,     // close the program's stdin (EOF)
        expect_accept,   // tcp-server peers: the program connects within the deadline
        expect_line,     // a line that matches arrives on each target
        expect_burst,    // lines matching pattern with {i} = 1..count arrive, in order
        expect_datagram, // udp-server peers: a datagram that matches arrives
        expect_close,    // the program closes each peer's connection (FIN or RST)
        expect_silence,  // at most max_bytes arrive on the targets during `for`
        expect_exit,     // the program exits with `exit_code` within the deadline
        expect_alive,    // the program is still running
        expect_idle,     // during `for`, the program uses under cpu_percent of a core
    };
    Action action = Action::send;
    Target target;
    std::string text;               // send, burst, stdin_write
    bool reset = false;             // close: true = RST, false = FIN
    Matcher matcher;                // expect_line, expect_burst, expect_datagram
    int count = 1;                  // burst, expect_burst
    std::optional<int> exit_code;   // expect_exit: nullopt = any status
    std::int64_t max_bytes = 0;     // expect_silence
    bool count_unread = false;      // expect_silence: lines received but not yet matched count too (a duplicate)
    double cpu_percent = 10;        // expect_idle
    Duration within{0};             // deadline of an expectation (0 = the test default)
    Duration for_{0};               // window of expect_silence / expect_idle
    Text feedback;                  // said when this step fails (optional)
    Mark mark;
};

struct Limits {
    Duration test{std::chrono::seconds(20)};   // wall time of one test
    Duration ready{std::chrono::seconds(5)};   // server programs: until the port is open
    Duration within{std::chrono::seconds(2)};  // default deadline of an expectation
    std::int64_t output_bytes = 1 << 20;       // program stdout/stderr kept
    std::int64_t peer_bytes = 1 << 20;         // bytes a peer keeps of what it receives
    double cpu_seconds = 10;                   // CPU time of the program
    std::int64_t memory_bytes = std::int64_t(1) << 30;  // data size (RLIMIT_DATA) and the memory cgroup
    int processes = 128;                       // processes + threads (pids cgroup; RLIMIT_NPROC)
    int open_files = 256;
};

struct Test {
    std::string name;
    Text title;
    double points = 1;
    bool hidden = false;
    std::vector<Peer> peers;
    std::vector<Step> steps;
    Text feedback;  // what to look at when this test fails
    std::map<std::string, std::string> env;  // added to the program's environment
    Mark mark;
};

struct Program {
    Role role = Role::server;
    Protocol protocol = Protocol::tcp;
    int port = 5000;
};

struct Scenario {
    std::string name;
    Text title;
    std::string path;  // the file it was loaded from
    Program program;
    Limits limits;
    std::map<std::string, std::string> env;
    std::vector<Test> tests;

    double max_score() const {
        double total = 0;
        for (const auto& t : tests) total += t.points;
        return total;
    }
};

}  // namespace sockgrade::scenario
