// Load on a chat server: C clients on 127.0.0.1, driven by Asio on one
// thread. Client j % C sends message j; the server must fan it out to the
// C - 1 others. At most --window messages are in flight (sent, not yet
// delivered to everyone): a closed loop, so latency is the fan-out time plus
// the queueing of the window, not an unbounded backlog.
//
//   chat_load SERVER --clients C [--deliveries D] [--window W] [--time-limit S]
//
// SERVER is started as `SERVER PORT` with a port found by binding port 0; its
// stdout and stderr go to /dev/null. Prints one JSON object: throughput
// (deliveries per second), delivery latency p50/p99/max, and the server's
// threads, RSS and CPU time while every client is connected. Every loop is
// bounded in count and in time (--time-limit, default 60 s).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "listening.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

long long now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) return -1;
    socklen_t size = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    ::close(fd);
    return ntohs(address.sin_port);
}

// Fields of /proc/PID/status ("Threads", "VmRSS", "VmHWM"), as numbers.
long status_field(pid_t pid, const std::string& name) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.starts_with(name + ":")) return std::atol(line.c_str() + name.size() + 1);
    return -1;
}

double cpu_seconds(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    auto after = line.rfind(')');
    if (after == std::string::npos) return 0;
    std::istringstream fields(line.substr(after + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int index = 3; index <= 15 && fields >> field; ++index) {
        if (index == 14) utime = std::stoull(field);
        if (index == 15) stime = std::stoull(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double percentile(std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(index, sorted.size() - 1)];
}

struct Load;

struct Client {
    Client(asio::io_context& io, Load& load, int index) : socket(io), load(load), index(index) {}
    tcp::socket socket;
    Load& load;
    int index;
    char buffer[16 * 1024];
    std::string partial;
    std::deque<std::string> outbox;
    long long last_sync = -1;
    bool failed = false;

    void read();
    void send(std::string line) {
        outbox.push_back(std::move(line));
        if (outbox.size() == 1) write();
    }
    void write() {
        asio::async_write(socket, asio::buffer(outbox.front()), [this](boost::system::error_code ec, std::size_t) {
            if (ec) {
                failed = true;
                return;
            }
            outbox.pop_front();
            if (!outbox.empty()) write();
        });
    }
};

struct Load {
    asio::io_context io{1};
    std::vector<std::unique_ptr<Client>> clients;
    int clients_count = 0;
    long long messages = 0;      // to send in the measured phase
    long long sent = 0;
    long long completed = 0;     // delivered to every other client
    long long deliveries = 0;
    long long unexpected = 0;    // lines that are neither ours nor a sync
    std::vector<int> pending;    // per message: deliveries still missing
    std::vector<double> latency_ms;
    int window = 8;
    bool measuring = false;
    long long sync_round = -1;

    void send_next() {
        while (measuring && sent < messages && sent - completed < window) {
            long long seq = sent++;
            auto& sender = *clients[static_cast<std::size_t>(seq % clients_count)];
            sender.send("m " + std::to_string(seq) + " " + std::to_string(now_ns()) + "\n");
        }
    }

    void on_line(Client& client, std::string_view line) {
        long long arrived = now_ns();
        // "<ip>:<port>: m SEQ NS" or "<ip>:<port>: sync K"
        auto colon = line.find(": ");
        std::string_view text = colon == std::string_view::npos ? line : line.substr(colon + 2);
        auto number = [](std::string_view s, long long& out) {
            auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
            return ec == std::errc{} && p == s.data() + s.size();
        };
        if (text.starts_with("sync ")) {
            long long k = 0;
            if (number(text.substr(5), k)) client.last_sync = std::max(client.last_sync, k);
            return;
        }
        if (text.starts_with("m ")) {
            auto space = text.find(' ', 2);
            long long seq = 0, sent_ns = 0;
            if (space != std::string_view::npos && number(text.substr(2, space - 2), seq) &&
                number(text.substr(space + 1), sent_ns) && seq >= 0 && seq < static_cast<long long>(pending.size())) {
                latency_ms.push_back(static_cast<double>(arrived - sent_ns) / 1e6);
                ++deliveries;
                if (--pending[static_cast<std::size_t>(seq)] == 0) {
                    ++completed;
                    send_next();
                }
                return;
            }
        }
        ++unexpected;
    }

    // Runs the io_context until done() or the deadline; true if done().
    template <typename Done>
    bool run_until(Done done, Clock::time_point deadline) {
        while (!done()) {
            if (Clock::now() >= deadline) return false;
            io.restart();
            io.run_for(std::min<Clock::duration>(10ms, deadline - Clock::now()));
        }
        return true;
    }
};

void Client::read() {
    socket.async_read_some(asio::buffer(buffer), [this](boost::system::error_code ec, std::size_t n) {
        if (ec) {
            failed = true;
            return;
        }
        // Acknowledge at once: neither server turns Nagle off (students do not), and
        // Nagle waiting on a delayed ACK (40 ms) would be all this benchmark measured.
        int on = 1;
        ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
        partial.append(buffer, n);
        std::size_t start = 0;
        for (std::size_t end; (end = partial.find('\n', start)) != std::string::npos; start = end + 1)
            load.on_line(*this, std::string_view(partial).substr(start, end - start));
        partial.erase(0, start);
        read();
    });
}

}  // namespace

int main(int argc, char** argv) {
    std::string server;
    int clients = 10;
    long long wanted_deliveries = 100000;
    int window = 8;
    int time_limit = 60;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto next = [&] { return i + 1 < argc ? std::atoll(argv[++i]) : 0LL; };
        if (arg == "--clients") clients = static_cast<int>(std::clamp(next(), 2LL, 20000LL));
        else if (arg == "--deliveries") wanted_deliveries = std::clamp(next(), 1LL, 100000000LL);
        else if (arg == "--window") window = static_cast<int>(std::clamp(next(), 1LL, 100000LL));
        else if (arg == "--time-limit") time_limit = static_cast<int>(std::clamp(next(), 1LL, 600LL));
        else if (!arg.starts_with("-") && server.empty()) server = arg;
        else {
            std::fprintf(stderr, "usage: chat_load SERVER --clients C [--deliveries D] [--window W] [--time-limit S]\n");
            return 2;
        }
    }
    if (server.empty()) {
        std::fprintf(stderr, "usage: chat_load SERVER --clients C [--deliveries D] [--window W] [--time-limit S]\n");
        return 2;
    }
    const auto deadline = Clock::now() + std::chrono::seconds(time_limit);

    // Enough descriptors for every client here and every connection in the server (which inherits it).
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    rlim_t needed = static_cast<rlim_t>(clients) * 2 + 64;
    if (files.rlim_cur < needed) {
        files.rlim_cur = std::min(files.rlim_max, std::max<rlim_t>(needed, files.rlim_cur));
        ::setrlimit(RLIMIT_NOFILE, &files);
    }
    if (files.rlim_cur < needed) {
        std::fprintf(stderr, "chat_load: %d clients need %llu open files; the hard limit is %llu\n", clients,
                     static_cast<unsigned long long>(needed), static_cast<unsigned long long>(files.rlim_max));
        return 2;
    }

    int port = free_port();
    if (port <= 0) {
        std::fprintf(stderr, "chat_load: no free port\n");
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::setpgid(0, 0);
        int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
        std::string port_text = std::to_string(port);
        char* child_argv[] = {const_cast<char*>(server.c_str()), port_text.data(), nullptr};
        ::execv(child_argv[0], child_argv);
        ::_exit(127);
    }
    if (pid < 0) return 2;
    int exit_code = 0;
    auto stop_server = [&] {
        ::kill(-pid, SIGTERM);
        ::kill(pid, SIGTERM);
        for (int i = 0; i < 300; ++i) {  // up to 3 s of grace
            if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
            ::usleep(10000);
        }
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    };
    auto give_up = [&](const char* why) {
        std::fprintf(stderr, "chat_load: %s\n", why);
        stop_server();
        return 1;
    };
    for (int i = 0; !bench::listening(port); ++i) {
        if (i > 5000 || ::waitpid(pid, nullptr, WNOHANG) == pid) return give_up("the server did not start listening");
        ::usleep(1000);
    }

    Load load;
    load.clients_count = clients;
    load.window = window;
    auto setup_started = Clock::now();
    // Connect in waves of at most 64 (each joins its own thread on the reference server).
    tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), static_cast<unsigned short>(port));
    int connected = 0, connecting = 0, next_client = 0;
    bool connect_failed = false;
    for (int i = 0; i < clients; ++i) load.clients.push_back(std::make_unique<Client>(load.io, load, i));
    std::function<void()> connect_more = [&] {
        while (connecting < 64 && next_client < clients) {
            Client& c = *load.clients[static_cast<std::size_t>(next_client++)];
            ++connecting;
            c.socket.async_connect(endpoint, [&, client = &c](boost::system::error_code ec) {
                --connecting;
                if (ec) {
                    connect_failed = true;
                    return;
                }
                client->socket.set_option(tcp::no_delay(true));
                ++connected;
                client->read();
                connect_more();
            });
        }
    };
    connect_more();
    if (!load.run_until([&] { return connected == clients || connect_failed; }, deadline) || connect_failed)
        return give_up("could not connect every client");

    // Everyone has joined when everyone hears client 0's latest "sync K".
    bool joined = false;
    for (int round = 0; round < 200 && !joined; ++round) {
        load.sync_round = round;
        load.clients[0]->send("sync " + std::to_string(round) + "\n");
        joined = load.run_until(
            [&] {
                for (int i = 1; i < clients; ++i)
                    if (load.clients[static_cast<std::size_t>(i)]->last_sync < round) return false;
                return true;
            },
            std::min(deadline, Clock::now() + 200ms));
        if (Clock::now() >= deadline) break;
    }
    if (!joined) return give_up("not every client joined the room in time");
    double setup_seconds = std::chrono::duration<double>(Clock::now() - setup_started).count();

    // The measured phase.
    load.messages = (wanted_deliveries + clients - 2) / (clients - 1);
    load.pending.assign(static_cast<std::size_t>(load.messages), clients - 1);
    load.latency_ms.reserve(static_cast<std::size_t>(load.messages) * static_cast<std::size_t>(clients - 1));
    double server_cpu_before = cpu_seconds(pid), own_cpu_before = own_cpu_seconds();
    auto started = Clock::now();
    load.measuring = true;
    load.send_next();
    bool finished = load.run_until([&] { return load.completed == load.messages; }, deadline);
    double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    double server_cpu = cpu_seconds(pid) - server_cpu_before;
    double own_cpu = own_cpu_seconds() - own_cpu_before;
    long threads = status_field(pid, "Threads");
    long rss_kb = status_field(pid, "VmRSS");
    long hwm_kb = status_field(pid, "VmHWM");
    bool alive = ::waitpid(pid, nullptr, WNOHANG) == 0;
    int failed_clients = 0;
    for (const auto& c : load.clients) failed_clients += c->failed;

    for (auto& c : load.clients) {
        boost::system::error_code ignored;
        c->socket.close(ignored);
    }
    load.io.restart();
    load.io.poll();
    stop_server();

    std::sort(load.latency_ms.begin(), load.latency_ms.end());
    if (!finished || !alive || failed_clients > 0) exit_code = 1;
    std::printf(
        "{\"server\": \"%s\", \"clients\": %d, \"window\": %d, \"messages\": %lld, \"deliveries\": %lld, "
        "\"finished\": %s, \"server_alive\": %s, \"failed_clients\": %d, \"unexpected_lines\": %lld, "
        "\"setup_seconds\": %.4f, \"seconds\": %.4f, \"deliveries_per_second\": %.1f, "
        "\"p50_ms\": %.4f, \"p99_ms\": %.4f, \"max_ms\": %.4f, "
        "\"server_threads\": %ld, \"server_rss_kb\": %ld, \"server_hwm_kb\": %ld, "
        "\"server_cpu_seconds\": %.3f, \"driver_cpu_seconds\": %.3f}\n",
        server.c_str(), clients, window, load.messages, load.deliveries, finished ? "true" : "false",
        alive ? "true" : "false", failed_clients, load.unexpected, setup_seconds, seconds,
        seconds > 0 ? static_cast<double>(load.deliveries) / seconds : 0.0, percentile(load.latency_ms, 0.5),
        percentile(load.latency_ms, 0.99), load.latency_ms.empty() ? 0.0 : load.latency_ms.back(), threads, rss_kb,
        hwm_kb, server_cpu, own_cpu);
    return exit_code;
}
