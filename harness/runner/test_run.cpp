// One run of one test: start the program, play the steps, end everything.
// Runs inside the sandbox worker, on one single-threaded io_context.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "capture/recorder.hpp"
#include "checks/match.hpp"
#include "peers/peer.hpp"
#include "process/program.hpp"
#include "runner/diagnosis.hpp"
#include "runner/ports.hpp"
#include "runner/runner.hpp"
#include "sandbox/cgroup.hpp"
#include "sandbox/sandbox.hpp"
#include "util/deadline.hpp"
#include "util/durations.hpp"
#include "util/random.hpp"
#include "util/text.hpp"

namespace sockgrade::runner {

namespace asio = boost::asio;
using scenario::Step;
using util::Clock;

using Action = Step::Action;

namespace {

constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

struct Outcome {
    bool ok = true;
    Text message;
    // For pictures: whose expectation failed and its deadline, when the step knows better than its targets.
    std::string party;
    std::optional<Clock::time_point> due;
    // The message names the cause (the program never started, a client never
    // accepted...): the scenario's advice is about something else, and is not given.
    bool advice_misleads = false;
};

Outcome with_its_cause(Outcome outcome) {
    outcome.advice_misleads = true;
    return outcome;
}

Outcome failure(std::string en, std::string pt) { return {false, {std::move(en), std::move(pt)}, {}, {}, false}; }

Outcome missed(std::string party, Clock::time_point due, std::string en, std::string pt) {
    return {false, {std::move(en), std::move(pt)}, std::move(party), due, false};
}

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : " ") + name;
    return out;
}

Clock::duration scaled(scenario::Duration d, double scale) {
    return std::chrono::duration_cast<Clock::duration>(d * scale);
}

class TestRun {
public:
    TestRun(const scenario::Scenario& scenario, const scenario::Test& test, const RunOptions& options,
            const RunPlace& place)
        : scenario_(scenario),
          test_(test),
          options_(options),
          place_(place),
          seed_(util::derive_seed(place.seed, "test " + test.name)),
          changes_(io_.get_executor()),
          stdout_(scenario.limits.output_bytes),
          stderr_(scenario.limits.output_bytes) {
        port_ = options.port.value_or(scenario.program.port);
        // From the seed, like every fault: a replay sends the same bytes.
        vars_["nonce"] = util::nonce_from_seed(seed_);
        vars_["port"] = std::to_string(port_);
    }

    TestResult run() {
        auto started = Clock::now();
        test_deadline_ = started + scaled(scenario_.limits.test, options_.timeout_scale);
        asio::co_spawn(io_, play(), [this](std::exception_ptr error) {
            if (error) {
                try {
                    std::rethrow_exception(error);
                } catch (const std::exception& e) {
                    grader_error_ = e.what();
                }
            }
            io_.stop();
        });
        io_.run();
        if (recorder_) recorder_->stop();
        cleanup();

        TestResult result;
        result.name = test_.name;
        result.title = test_.title;
        result.hidden = test_.hidden;
        result.max_points = test_.points;
        result.passed = outcome_.ok && grader_error_.empty();
        result.points = result.passed ? test_.points : 0;
        result.passes = result.passed ? 1 : 0;
        if (!grader_error_.empty()) {
            result.message = {"grader error: " + grader_error_, "erro do corretor: " + grader_error_};
        } else if (!outcome_.ok) {
            result.message = outcome_.message;
            if (failed_step_) {
                if (!failed_step_->feedback.empty() && !outcome_.advice_misleads) result.feedback = failed_step_->feedback;
                result.where = fmt::format("{}:{}", scenario_.path, failed_step_->mark.line);
            }
            if (!test_.feedback.empty() && !outcome_.advice_misleads) {
                if (result.feedback.empty()) result.feedback = test_.feedback;
                else {
                    result.feedback.en += "\n" + test_.feedback.en;
                    result.feedback.pt += "\n" + test_.feedback.in("pt");
                }
            }
        }
        result.failed_at = failed_at_;
        keep_capture(result);
        result.transcript = transcript_.take();
        result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        return result;
    }

private:
    asio::awaitable<void> play() {
        step_since_ = transcript_.elapsed();
        outcome_ = co_await set_up();
        if (!outcome_.ok) note_failure(nullptr);
        if (outcome_.ok) {
            for (const auto& step : test_.steps) {
                step_since_ = transcript_.elapsed();
                if (Clock::now() >= test_deadline_) {
                    auto limit = std::chrono::duration<double>(scaled(scenario_.limits.test, options_.timeout_scale)).count();
                    outcome_ = failure(fmt::format("the test ran out of time (its limit is {:.0f} s)", limit),
                                       fmt::format("o teste excedeu o tempo (o limite é {:.0f} s)", limit));
                    failed_step_ = &step;
                    note_failure(&step);
                    break;
                }
                outcome_ = co_await play_step(step);
                if (!outcome_.ok) {
                    failed_step_ = &step;
                    note_failure(&step);
                    break;
                }
            }
        }
        // The terminal reports a dead program (EIO) before its exit status is
        // reaped: wait a moment for it, so the message can name how it ended.
        if (!outcome_.ok && program_ && !exit_ && stdout_.closed())
            co_await changes_.wait_for([&] { return exit_.has_value(); }, std::chrono::milliseconds(500));
        if (!outcome_.ok && !outcome_.advice_misleads) name_the_cause();
        if (!outcome_.ok) add_exit_context();
        note_limits();
        co_await tear_down();
    }

    // Seconds on the transcript's clock of a moment (a deadline may be in the future).
    double transcript_time(Clock::time_point moment) const {
        return transcript_.elapsed() + std::chrono::duration<double>(moment - Clock::now()).count();
    }

    // Where the failure goes in a picture: the party the outcome names, else
    // the step's first target, else the program.
    void note_failure(const Step* step) {
        FailedAt at;
        at.party = outcome_.party;
        if (at.party.empty() && step) {
            if (!step->target.peers.empty()) at.party = step->target.peers.front();
            else if (step->target.program) at.party = step->target.stream == scenario::Stream::stderr_ ? "stderr" : "stdout";
        }
        if (at.party.empty()) at.party = "program";
        at.since = step_since_;
        at.at = transcript_.elapsed();
        at.due = outcome_.due ? transcript_time(*outcome_.due) : at.at;
        failed_at_ = at;
    }

    // --- capture -----------------------------------------------------------------------

    // Before anything opens a socket, so the first SYN is recorded too.
    void start_capture() {
        if (options_.capture_dir.empty()) return;
        if (!place_.own_network) {
            capture_note_ = capture_unavailable_note;
            return;
        }
        std::string error;
        recorder_ = capture::Recorder::start(io_.get_executor(), options_.capture_max_bytes,
                                             [this] { return transcript_.elapsed(); }, error);
        if (!recorder_) capture_note_ = "no packet capture: " + error;
    }

    // Keeps the capture of a failing run (of every run with capture_all) as a file.
    void keep_capture(TestResult& result) {
        if (!recorder_) {
            result.capture_note = capture_note_;
            return;
        }
        result.capture_note = recorder_->note();
        if (result.passed && !options_.capture_all) return;
        std::vector<capture::PortOwner> owners;
        if (scenario_.program.role == scenario::Role::server) owners.push_back({"program", port_});
        for (const auto& declaration : test_.peers) {
            auto kind = declaration.kind;
            bool server = kind == scenario::PeerKind::tcp_server || kind == scenario::PeerKind::udp_server;
            int port = server ? declaration.port.value_or(port_) : 0;
            if (!server && peers_.count(declaration.name)) port = peer(declaration.name).local_port();
            owners.push_back({declaration.name, port});
        }
        auto title = fmt::format("sockgrade: {} / {} (run {} of {}): {}", scenario_.name, test_.name, place_.run,
                                 place_.runs, result.passed ? std::string("passed") : "failed: " + result.message.en);
        auto bytes = recorder_->pcapng(title, owners);
        std::error_code ec;
        auto dir = std::filesystem::path(options_.capture_dir);
        std::filesystem::create_directories(dir, ec);
        auto path = dir / capture_file_name(test_.name, place_);
        auto temporary = path;
        temporary += ".tmp";
        {
            std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
            if (!out) ec = std::make_error_code(std::errc::io_error);
        }
        if (!ec) std::filesystem::rename(temporary, path, ec);
        if (ec) {
            std::filesystem::remove(temporary, ec);
            result.capture_note = fmt::format("the capture could not be written to {}", path.string());
            return;
        }
        result.capture = path.string();
    }

    // --- set-up and tear-down ---------------------------------------------------------

    asio::awaitable<Outcome> set_up() {
        start_capture();
        for (const auto& declaration : test_.peers) {
            auto peer = std::make_unique<peers::Peer>(io_.get_executor(), declaration, changes_, transcript_,
                                                      scenario_.limits.peer_bytes,
                                                      util::derive_seed(seed_, "peer " + declaration.name));
            auto error = peer->open(declaration.port.value_or(port_));
            if (!error.empty()) {
                grader_error_ = error;
                co_return failure(error, error);
            }
            if (declaration.kind == scenario::PeerKind::udp_client)
                vars_[declaration.name + ".port"] = std::to_string(peer->local_port());
            peers_[declaration.name] = std::move(peer);
        }

        if (auto error = launch(); !error.empty())
            co_return with_its_cause(failure(fmt::format("the program could not be started: {}", error.en),
                                             fmt::format("o programa não pôde ser iniciado: {}", error.in("pt"))));

        if (scenario_.program.role == scenario::Role::server) co_return co_await wait_until_ready();
        co_return Outcome{};
    }

    util::Text launch() {
        auto credentials = sandbox::program_credentials();
        process::LaunchSpec spec;
        for (const auto& word : options_.command) {
            auto value = util::substitute(word, vars_, false);
            spec.argv.push_back(value ? *value : word);
        }
        spec.cwd = options_.cwd.empty() ? std::filesystem::current_path().string() : options_.cwd;
        // In the test's namespaces the program gets a jail with a HOME of its own;
        // elsewhere a temporary folder is its HOME.
        if (sandbox::inside_namespaces()) {
            sandbox::JailSpec jail;
            spec.env = program_environment(scenario_, test_, options_, jail.home, port_);
            jail.work_dir = spec.cwd;
            jail.work_dir_writable = options_.writable_cwd;
            jail.read_only_paths = sandbox::toolchain_paths({spec.env.begin(), spec.env.end()});
            for (auto& named : sandbox::paths_named_in(spec.argv, spec.cwd)) jail.read_only_paths.push_back(named);
            jail.writable_paths = options_.writable_paths;
            if (!scenario_.path.empty()) jail.hidden_files.push_back(scenario_.path);
            spec.jail = std::move(jail);
        } else {
            std::error_code ignored;
            home_ = std::filesystem::temp_directory_path() / fmt::format("sockgrade-home-{}", ::getpid());
            std::filesystem::create_directories(home_, ignored);
            if (credentials) [[maybe_unused]] int r = ::chown(home_.c_str(), credentials->uid, credentials->gid);
            spec.env = program_environment(scenario_, test_, options_, home_.string(), port_);
        }
        const auto& limits = scenario_.limits;
        spec.limits.cpu_seconds = limits.cpu_seconds;
        spec.limits.memory_bytes = limits.memory_bytes;
        spec.limits.processes = limits.processes;
        spec.limits.open_files = limits.open_files;
        if (credentials) spec.run_as = std::make_pair(credentials->uid, credentials->gid);
        cgroup_ = sandbox::Cgroup::create(limits.processes, limits.memory_bytes);
        if (cgroup_) spec.join_cgroups = cgroup_->procs_files();
        // The kernel checks RLIMIT_NPROC before the pids group: let the group say no, and be reported.
        if (cgroup_ && cgroup_->caps_processes()) spec.limits.processes = limits.processes * 2;

        util::Text error;
        program_ = process::Program::launch(io_.get_executor(), spec, error);
        if (!program_) return error;
        transcript_.event("program",
                          {fmt::format("started: {}", join(spec.argv)), fmt::format("iniciado: {}", join(spec.argv))});
        asio::co_spawn(io_, read_output(program_->stdout_stream(), stdout_, "stdout"), asio::detached);
        asio::co_spawn(io_, read_output(program_->stderr_pipe(), stderr_, "stderr"), asio::detached);
        asio::co_spawn(io_, watch_exit(), asio::detached);
        return {};
    }

    template <typename Stream>
    asio::awaitable<void> read_output(Stream& stream, peers::Inbox& inbox, const char* party) {
        std::vector<char> buffer(64 * 1024);
        for (;;) {
            auto [ec, n] = co_await stream.async_read_some(asio::buffer(buffer), as_tuple_awaitable);
            if (n > 0) {
                std::string_view bytes(buffer.data(), n);
                inbox.append(bytes);
                transcript_.data(party, '>', bytes);
                changes_.notify();
            }
            if (ec) {  // EOF, or EIO from the terminal once the program is gone
                inbox.close(false);
                changes_.notify();
                co_return;
            }
        }
    }

    asio::awaitable<void> watch_exit() {
        exit_ = co_await program_->wait_for_exit();
        transcript_.event("program", {exit_->describe(), exit_->describe_pt()});
        changes_.notify();
    }

    asio::awaitable<Outcome> wait_until_ready() {
        bool tcp = scenario_.program.protocol == scenario::Protocol::tcp;
        auto kind = tcp ? SocketKind::tcp_listening : SocketKind::udp_bound;
        auto deadline = std::min(test_deadline_, Clock::now() + scaled(scenario_.limits.ready, options_.timeout_scale));
        // A program that listens on another port and then waits, all its
        // threads asleep, for a whole second will not move: say so now rather
        // than at the ready limit (every test of a wrong-port server paid 5 s).
        std::optional<Clock::time_point> waiting_elsewhere_since;
        bool ready = co_await util::poll_until(
            changes_,
            [&] {
                if (exit_.has_value()) return true;
                auto ports = open_ports(kind);
                if (ports.contains(port_)) return true;
                if (ports.empty() || !program_->settled()) {
                    waiting_elsewhere_since.reset();
                    return false;
                }
                if (!waiting_elsewhere_since) waiting_elsewhere_since = Clock::now();
                return Clock::now() - *waiting_elsewhere_since >= std::chrono::seconds(1);
            },
            deadline);
        const char* verb_en = tcp ? "listening on TCP" : "bound to UDP";
        const char* verb_pt = tcp ? "escutando na porta TCP" : "associado à porta UDP";
        if (ready && open_ports(kind).contains(port_)) {
            transcript_.event("program",
                              {fmt::format("is {} port {}", verb_en, port_), fmt::format("está {} {}", verb_pt, port_)});
            co_return Outcome{};
        }
        if (exit_) {
            // A crash at start-up says why on stderr: read it to its end first.
            co_await changes_.wait_for([&] { return stderr_.closed(); }, std::chrono::milliseconds(500));
            auto tail = stderr_tail(stderr_.lines(), stderr_.partial());
            co_return with_its_cause(missed(
                "program", deadline,
                fmt::format("the program {} before {} port {}{}", exit_->describe(), verb_en, port_,
                            tail.empty() ? "" : "; the last lines of its stderr: " + tail),
                fmt::format("o programa {} antes de estar {} {}{}", exit_->describe_pt(), verb_pt, port_,
                            tail.empty() ? "" : "; as últimas linhas da sua saída de erro: " + tail)));
        }
        auto others = open_ports(kind);
        std::string wait = fmt::format("{:.1f}", std::chrono::duration<double>(scaled(scenario_.limits.ready, options_.timeout_scale)).count());
        if (ready && !others.empty()) {
            std::string list;
            for (int p : others) list += (list.empty() ? "" : ", ") + std::to_string(p);
            co_return failure(fmt::format("the program is not {} port {}: it uses port {} instead, and waits there", verb_en, port_, list),
                              fmt::format("o programa não está {} {}: usa a porta {} e espera ali", verb_pt, port_, list));
        }
        if (!others.empty()) {
            std::string list;
            for (int p : others) list += (list.empty() ? "" : ", ") + std::to_string(p);
            co_return missed("program", deadline, fmt::format("the program is not {} port {} after {} s; it uses port {} instead", verb_en, port_, wait, list),
                              fmt::format("o programa não está {} {} após {} s; usa a porta {}", verb_pt, port_, wait, list));
        }
        co_return missed("program", deadline, fmt::format("the program is not {} port {} after {} s", verb_en, port_, wait),
                          fmt::format("o programa não está {} {} após {} s", verb_pt, port_, wait));
    }

    asio::awaitable<void> tear_down() {
        for (auto& [name, peer] : peers_) peer->stop();
        if (program_ && !exit_) {
            program_->signal_group(SIGTERM);
            co_await changes_.wait_for([&] { return exit_.has_value(); }, std::chrono::milliseconds(300));
            if (!exit_) {
                transcript_.event("grader",
                                  {"the program ignored SIGTERM; killed", "o programa ignorou o SIGTERM; foi morto"});
                program_->signal_group(SIGKILL);
                co_await changes_.wait_for([&] { return exit_.has_value(); }, std::chrono::seconds(2));
            }
        }
    }

    void cleanup() {
        sandbox::end_all_processes();
        cgroup_.reset();
        std::error_code ignored;
        if (!home_.empty()) std::filesystem::remove_all(home_, ignored);
    }

    // Limits the program ran into are said whatever the outcome: they explain a lot.
    void note_limits() {
        const auto& limits = scenario_.limits;
        if (exit_ && exit_->signaled && exit_->signal == SIGXCPU)
            note(fmt::format("the program used up its {:g} s of CPU time (limits.cpu) and was stopped", limits.cpu_seconds),
                 fmt::format("o programa esgotou seus {:g} s de tempo de CPU (limits.cpu) e foi parado", limits.cpu_seconds));
        if (exit_ && exit_->signaled && exit_->signal == SIGXFSZ) {
            auto cap = util::format_size(process::Limits{}.file_bytes);
            note(fmt::format("the program wrote a file larger than {} and was stopped", cap),
                 fmt::format("o programa escreveu um arquivo maior que {} e foi parado", cap));
        }
        if (!cgroup_) return;
        if (cgroup_->process_limit_hit())
            note(fmt::format("the program tried to run more than {} processes and threads at once; more were refused",
                             limits.processes),
                 fmt::format("o programa tentou rodar mais de {} processos e threads ao mesmo tempo; os excedentes foram recusados",
                             limits.processes));
        if (cgroup_->memory_limit_hit())
            note(fmt::format("the program reached its memory limit of {} MiB", limits.memory_bytes >> 20),
                 fmt::format("o programa atingiu o limite de memória de {} MiB", limits.memory_bytes >> 20));
    }

    void note(std::string en, std::string pt) {
        transcript_.event("grader", {en, pt});
        if (!outcome_.ok) {
            outcome_.message.en += " (" + en + ")";
            outcome_.message.pt += " (" + pt + ")";
        }
    }

    // A cause the program's state shows at the failure, which the failed
    // expectation alone would hide: it goes first, and replaces the advice.
    void name_the_cause() {
        if (!program_ || exit_) return;
        if (auto cause = clients_never_accepted(); !cause.empty()) {
            outcome_.message = with_cause(cause, outcome_.message);
            outcome_.advice_misleads = true;
        } else if (auto cause = blocked_in_recv_after_typing(); !cause.empty()) {
            outcome_.message = with_cause(cause, outcome_.message);
            outcome_.advice_misleads = true;
        }
    }

    // A server that serves one client at a time leaves the others in its
    // listen queue: their handshake is done, but it never accept()ed them.
    // (A program that accepted nobody is stuck elsewhere: not this cause.)
    Text clients_never_accepted() {
        if (scenario_.program.role != scenario::Role::server || scenario_.program.protocol != scenario::Protocol::tcp)
            return {};
        auto queued = unaccepted_connections(port_);
        if (queued.empty()) return {};
        std::vector<std::string> unaccepted, serving;
        for (const auto& declaration : test_.peers) {
            if (declaration.kind != scenario::PeerKind::tcp_client) continue;
            const auto& p = peer(declaration.name);
            if (!p.connected()) continue;
            if (queued.contains(p.local_port())) unaccepted.push_back(declaration.name);
            else if (p.connection_open()) serving.push_back(declaration.name);
        }
        if (unaccepted.empty() || serving.empty()) return {};
        return never_accepted(unaccepted, serving);
    }

    // The classic chat client: after a line typed, it waits in recv() for the
    // server's answer and reads nothing more of its standard input.
    Text blocked_in_recv_after_typing() {
        if (scenario_.program.role != scenario::Role::client || !typed_ || !program_->only_receiving_on_sockets())
            return {};
        std::size_t lines_sent = 0;
        for (const auto& declaration : test_.peers)
            if (declaration.kind == scenario::PeerKind::tcp_server) lines_sent += peer(declaration.name).inbox().lines().size();
        return blocked_in_recv(lines_sent);
    }

    // When a test fails, how the program ended (if it did) and the end of its stderr help most.
    void add_exit_context() {
        if (exit_ && failed_step_ && failed_step_->action != Action::expect_exit) {
            outcome_.message.en += fmt::format(" (the program {} at +{:.2f}s)", exit_->describe(), exit_->seconds);
            outcome_.message.pt += fmt::format(" (o programa {} em +{:.2f}s)", exit_->describe_pt(), exit_->seconds);
        }
    }

    // --- steps ----------------------------------------------------------------------------

    Clock::time_point deadline_of(const Step& step) const {
        auto within = step.within.count() > 0 ? step.within : scenario_.limits.within;
        return std::min(test_deadline_, Clock::now() + scaled(within, options_.timeout_scale));
    }

    std::optional<std::string> text_of(const std::string& pattern, std::string& error) {
        std::string unknown;
        auto text = util::substitute(pattern, vars_, false, &unknown);
        if (!text) error = fmt::format("unknown name {{{}}} in {}", unknown, util::quoted(pattern));
        return text;
    }

    peers::Peer& peer(const std::string& name) { return *peers_.at(name); }

    // How long a failed wait lasted, as the student should read it: the step's
    // own deadline, or the test's time limit when that came first.
    Text wait_phrase(Clock::time_point deadline, Clock::duration waited) const {
        if (deadline >= test_deadline_) {
            auto limit = std::chrono::duration<double>(scaled(scenario_.limits.test, options_.timeout_scale)).count();
            return {fmt::format("before the test's time limit of {:.1f} s ran out", limit),
                    fmt::format("antes de acabar o tempo limite do teste, {:.1f} s", limit)};
        }
        auto seconds = std::chrono::duration<double>(waited).count();
        return {fmt::format("within {:.1f} s", seconds), fmt::format("em {:.1f} s", seconds)};
    }

    asio::awaitable<Outcome> play_step(const Step& step) {
        switch (step.action) {
            case Action::connect: co_return co_await do_connect(step);
            case Action::send: co_return co_await do_send(step, 1);
            case Action::burst: co_return co_await do_send(step, step.count);
            case Action::close:
                for (const auto& name : step.target.peers) peer(name).close(step.reset);
                co_return Outcome{};
            case Action::stdin_write: co_return co_await do_stdin(step);
            case Action::stdin_close: {
                boost::system::error_code ignored;
                program_->stdin_pipe().close(ignored);
                transcript_.event("stdin", {"closed (end of input)", "fechado (fim da entrada)"});
                co_return Outcome{};
            }
            case Action::expect_accept: co_return co_await expect_accept(step);
            case Action::expect_line: co_return co_await expect_lines(step, false);
            case Action::expect_burst: co_return co_await expect_lines(step, true);
            case Action::expect_datagram: co_return co_await expect_datagram(step);
            case Action::expect_close: co_return co_await expect_close(step);
            case Action::expect_silence: co_return co_await expect_silence(step);
            case Action::expect_exit: co_return co_await expect_exit(step);
            case Action::expect_alive:
                if (exit_)
                    co_return failure(fmt::format("the program should still be running, but it {}", exit_->describe()),
                                      fmt::format("o programa deveria continuar rodando, mas {}", exit_->describe_pt()));
                co_return Outcome{};
            case Action::expect_idle: co_return co_await expect_idle(step);
        }
        co_return Outcome{};
    }

    asio::awaitable<Outcome> do_connect(const Step& step) {
        for (const auto& name : step.target.peers) {
            auto deadline = deadline_of(step);
            auto error = co_await peer(name).connect(port_, deadline);
            if (!error.empty()) co_return missed(name, deadline, error, error);
            vars_[name + ".port"] = std::to_string(peer(name).local_port());
        }
        co_await settle();
        co_return Outcome{};
    }

    // A finished TCP handshake does not mean the program has accept()ed the
    // connection and added it to its clients. Before the next step, wait (a
    // little, never failing) until the listen queue is empty and every thread
    // of the program sleeps, so a correct program is never raced.
    asio::awaitable<void> settle() {
        auto bound = std::min(test_deadline_, Clock::now() + scaled(std::chrono::seconds(1), options_.timeout_scale));
        co_await util::poll_until(
            changes_, [&] { return exit_.has_value() || (pending_connections(port_) == 0 && program_->settled()); },
            bound, std::chrono::milliseconds(2));
    }

    asio::awaitable<Outcome> do_send(const Step& step, int copies) {
        for (int i = 1; i <= copies; ++i) {
            vars_["i"] = std::to_string(i);
            std::string error;
            auto text = text_of(step.text, error);
            if (!text) co_return failure(error, error);
            for (const auto& name : step.target.peers) {
                auto deadline = deadline_of(step);
                auto problem = co_await peer(name).send(*text, port_, deadline);
                if (!problem.empty()) co_return send_failed(name, deadline, problem);
            }
        }
        vars_.erase("i");
        for (const auto& name : step.target.peers) {  // what coalescing still holds leaves with the step
            auto problem = co_await peer(name).flush(deadline_of(step));
            if (!problem.empty()) co_return send_failed(name, Clock::now(), problem);
        }
        co_return Outcome{};
    }

    // A send the program cut short by ending the connection says so, in both
    // languages; any other problem is the peer's own words.
    Outcome send_failed(const std::string& name, Clock::time_point deadline, const std::string& problem) {
        const auto& cut = peer(name).cut_short();
        if (!cut) return missed(name, deadline, problem, problem);
        auto [delivered, total, reset] = *cut;
        return missed(name, Clock::now(),
                      reset ? fmt::format("{} could not send: the program reset the connection after receiving {} of {} bytes",
                                          name, delivered, total)
                            : fmt::format("{} could not send: the program closed the connection after reading {} of {} bytes",
                                          name, delivered, total),
                      reset ? fmt::format("{} não conseguiu enviar: o programa resetou a conexão depois de receber {} de {} bytes",
                                          name, delivered, total)
                            : fmt::format("{} não conseguiu enviar: o programa fechou a conexão depois de ler {} de {} bytes",
                                          name, delivered, total));
    }

    asio::awaitable<Outcome> do_stdin(const Step& step) {
        std::string error;
        auto text = text_of(step.text, error);
        if (!text) co_return failure(error, error);
        transcript_.data("stdin", '<', *text);
        typed_ = true;
        auto result = co_await util::before(
            asio::async_write(program_->stdin_pipe(), asio::buffer(*text), as_tuple_awaitable), deadline_of(step));
        if (!result)
            co_return failure("the program did not read its standard input in time",
                              "o programa não leu a entrada padrão a tempo");
        if (auto [ec, n] = *result; ec)
            co_return failure(fmt::format("could not write to the program's standard input: {}", ec.message()),
                              fmt::format("não foi possível escrever na entrada padrão do programa: {}", ec.message()));
        co_return Outcome{};
    }

    asio::awaitable<Outcome> expect_accept(const Step& step) {
        auto& targets = step.target.peers;
        auto deadline = deadline_of(step);
        bool all = co_await changes_.wait_until(
            [&] {
                for (const auto& name : targets)
                    if (!peer(name).connected()) return false;
                return true;
            },
            deadline);
        if (all) co_return Outcome{};
        for (const auto& name : targets)
            if (!peer(name).connected()) {
                auto port = std::to_string(port_);
                co_return missed(name, deadline, fmt::format("the program did not connect to port {} (where {} listens)", port, name),
                                  fmt::format("o programa não se conectou à porta {} (onde {} escuta)", port, name));
            }
        co_return Outcome{};
    }

    struct LineSource {
        std::string name;  // "B", "stdout"
        peers::Inbox* inbox;
    };

    std::vector<LineSource> line_sources(const Step& step) {
        std::vector<LineSource> sources;
        if (step.target.program) {
            bool err = step.target.stream == scenario::Stream::stderr_;
            sources.push_back({err ? "stderr" : "stdout", err ? &stderr_ : &stdout_});
        }
        for (const auto& name : step.target.peers) sources.push_back({name, &peer(name).inbox()});
        return sources;
    }

    asio::awaitable<Outcome> expect_lines(const Step& step, bool burst) {
        std::vector<checks::LineMatcher> expected;
        int copies = burst ? step.count : 1;
        for (int i = 1; i <= copies; ++i) {
            if (burst) vars_["i"] = std::to_string(i);
            std::string error;
            auto matcher = checks::resolve(step.matcher, vars_, error);
            if (!matcher) co_return failure(error, error);
            expected.push_back(std::move(*matcher));
        }
        vars_.erase("i");
        auto sources = line_sources(step);
        auto deadline = deadline_of(step);
        auto waited = deadline - Clock::now();
        auto satisfied = [&](const LineSource& source) {
            return checks::check_burst(source.inbox->lines(), source.inbox->cursor, expected).complete;
        };
        co_await changes_.wait_until(
            [&] {
                for (const auto& source : sources)
                    if (!satisfied(source) && !source.inbox->closed()) return false;
                return true;
            },
            deadline);

        for (auto& source : sources) {
            auto& inbox = *source.inbox;
            auto check = checks::check_burst(inbox.lines(), inbox.cursor, expected);
            if (check.complete) {
                if (!burst) checks::find_line(inbox.lines(), inbox.cursor, expected.front(), &vars_);
                inbox.cursor = check.next_from;
                continue;
            }
            auto want = checks::describe(expected.front());
            auto within = wait_phrase(deadline, waited);
            auto who_en = source.name == "stdout" || source.name == "stderr"
                              ? fmt::format("the program's {}", source.name) : source.name;
            auto who_pt = source.name == "stdout" ? std::string("a saída do programa")
                          : source.name == "stderr" ? std::string("a saída de erro do programa") : source.name;
            Text why = burst ? check.problem
                             : checks::explain_miss(inbox.lines(), inbox.cursor, inbox.partial(), expected.front());
            std::string closed_en, closed_pt;
            if (inbox.closed() && !step.target.program) {
                closed_en = inbox.was_reset() ? "; then the program reset the connection" : "; then the program closed the connection";
                closed_pt = inbox.was_reset() ? "; depois o programa resetou a conexão" : "; depois o programa fechou a conexão";
            }
            if (inbox.overflowed()) {
                // What came after the cap was counted, not kept: it may hold the line.
                bool output = source.name == "stdout" || source.name == "stderr";
                auto cap = util::format_size(output ? scenario_.limits.output_bytes : scenario_.limits.peer_bytes);
                if (auto unit = cap.find_first_not_of("0123456789"); unit != std::string::npos) cap.insert(unit, " ");
                auto key = output ? "limits.output" : "limits.peer_output";
                closed_en += fmt::format("; more than {} arrived there ({} bytes), and only the first {} were kept ({})",
                                         cap, inbox.total_bytes(), cap, key);
                closed_pt += fmt::format("; chegou mais de {} ali ({} bytes), e só os primeiros {} foram guardados ({})",
                                         cap, inbox.total_bytes(), cap, key);
            }
            if (burst)
                co_return missed(source.name, deadline, fmt::format("{} did not receive the {} lines of the burst in order {}: {}{}",
                                              who_en, expected.size(), within.en, why.en, closed_en),
                                  fmt::format("{} não recebeu as {} linhas da rajada em ordem {}: {}{}", who_pt,
                                              expected.size(), within.pt, why.pt, closed_pt));
            co_return missed(source.name, deadline, fmt::format("{} did not receive {} {}: {}{}", who_en, want.en, within.en, why.en, closed_en),
                              fmt::format("{} não recebeu {} {}: {}{}", who_pt, want.pt, within.pt, why.pt, closed_pt));
        }
        co_return Outcome{};
    }

    asio::awaitable<Outcome> expect_datagram(const Step& step) {
        std::string error;
        auto matcher = checks::resolve(step.matcher, vars_, error);
        if (!matcher) co_return failure(error, error);
        auto strip = [](std::string text) {
            if (text.ends_with("\n")) text.pop_back();
            if (text.ends_with("\r")) text.pop_back();
            return text;
        };
        for (const auto& name : step.target.peers) {
            auto& p = peer(name);
            std::optional<std::size_t> found;
            auto deadline = deadline_of(step);
            co_await changes_.wait_until(
                [&] {
                    for (std::size_t i = p.datagram_cursor; i < p.datagrams().size(); ++i)
                        if (checks::matches(*matcher, strip(p.datagrams()[i].bytes), &vars_)) {
                            found = i;
                            return true;
                        }
                    return false;
                },
                deadline);
            if (found) {
                p.datagram_cursor = *found + 1;
                continue;
            }
            auto want = checks::describe(*matcher);
            const auto& got = p.datagrams();
            std::size_t fresh = got.size() - std::min(p.datagram_cursor, got.size());
            if (fresh == 0)
                co_return missed(name, deadline, fmt::format("{} received no datagram (expected one with {})", name, want.en),
                                  fmt::format("{} não recebeu nenhum datagrama (esperava um com {})", name, want.pt));
            auto first = util::quoted(got[p.datagram_cursor].bytes, 80);
            co_return missed(name, deadline, fmt::format("{} received {} datagram(s), none with {}; the first was {}", name, fresh, want.en, first),
                              fmt::format("{} recebeu {} datagrama(s), nenhum com {}; o primeiro foi {}", name, fresh, want.pt, first));
        }
        co_return Outcome{};
    }

    asio::awaitable<Outcome> expect_close(const Step& step) {
        for (const auto& name : step.target.peers) {
            auto& inbox = peer(name).inbox();
            auto deadline = deadline_of(step);
            if (!co_await changes_.wait_until([&] { return inbox.closed(); }, deadline))
                co_return missed(name, deadline, fmt::format("the program did not close its connection with {}", name),
                                  fmt::format("o programa não fechou a conexão com {}", name));
        }
        co_return Outcome{};
    }

    std::int64_t bytes_arrived(const Step& step) {
        std::int64_t total = 0;
        for (const auto& source : line_sources(step)) total += source.inbox->total_bytes();
        for (const auto& name : step.target.peers)
            for (const auto& datagram : peer(name).datagrams()) total += static_cast<std::int64_t>(datagram.bytes.size());
        return total;
    }

    // With `unread: true`: what the targets have received but no expectation
    // matched yet (lines past the cursor, a partial line), and the first such line.
    std::pair<std::int64_t, std::string> unread_of(const Step& step) {
        std::int64_t bytes = 0;
        std::string first;
        for (const auto& source : line_sources(step)) {
            const auto& lines = source.inbox->lines();
            for (std::size_t i = source.inbox->cursor; i < lines.size(); ++i) {
                bytes += static_cast<std::int64_t>(lines[i].size()) + 1;
                if (first.empty()) first = lines[i];
            }
            bytes += static_cast<std::int64_t>(source.inbox->partial().size());
            if (first.empty()) first = source.inbox->partial();
        }
        return {bytes, first};
    }

    asio::awaitable<Outcome> expect_silence(const Step& step) {
        if (step.count_unread) {
            auto [waiting, first] = unread_of(step);
            if (waiting > step.max_bytes) {
                auto who = step.target.peers.empty() ? std::string("stdout") : step.target.peers.front();
                co_return missed(who, Clock::now(),
                                 fmt::format("{} bytes arrived that no step expected, first \"{}\"", waiting, first),
                                 fmt::format("chegaram {} bytes que nenhum passo esperava, primeiro \"{}\"", waiting, first));
            }
        }
        auto before = bytes_arrived(step);
        auto window = scaled(step.for_, options_.timeout_scale);
        auto end = std::min(test_deadline_, Clock::now() + window);
        co_await changes_.wait_until([&] { return bytes_arrived(step) - before > step.max_bytes; }, end);
        auto arrived = bytes_arrived(step) - before;
        if (arrived <= step.max_bytes) co_return Outcome{};
        auto seconds = std::chrono::duration<double>(window).count();
        auto who = step.target.peers.empty() ? std::string(step.target.stream == scenario::Stream::stderr_ ? "stderr" : "stdout")
                                             : step.target.peers.front();
        co_return missed(who, end, fmt::format("{} bytes arrived while nothing (at most {}) should have, within {:.1f} s", arrived,
                                      step.max_bytes, seconds),
                          fmt::format("chegaram {} bytes quando nada (no máximo {}) deveria chegar, em {:.1f} s", arrived,
                                      step.max_bytes, seconds));
    }

    asio::awaitable<Outcome> expect_exit(const Step& step) {
        auto deadline = deadline_of(step);
        co_await changes_.wait_until([&] { return exit_.has_value(); }, deadline);
        if (!exit_) {
            co_return missed("program", deadline, "the program did not exit when it should have; it was still running",
                              "o programa não terminou quando deveria; continuava rodando");
        }
        if (step.exit_code && (exit_->signaled || exit_->code != *step.exit_code))
            co_return failure(fmt::format("the program {}; expected it to exit with status {}", exit_->describe(), *step.exit_code),
                              fmt::format("o programa {}; esperava-se status {}", exit_->describe_pt(), *step.exit_code));
        co_return Outcome{};
    }

    asio::awaitable<Outcome> expect_idle(const Step& step) {
        auto window = scaled(step.for_, options_.timeout_scale);
        double cpu_before = program_->cpu_seconds();
        auto output_before = stdout_.total_bytes() + stderr_.total_bytes();
        auto started = Clock::now();
        // CPU share alone depends on the machine's load (a spinning thread gets
        // little CPU on a busy machine), so also sample whether a thread is
        // runnable: an idle program's threads all sleep, a spinning one never does.
        int samples = 0, running = 0;
        co_await util::poll_until(
            changes_,
            [&] {
                ++samples;
                if (!program_->settled()) ++running;
                return exit_.has_value();
            },
            std::min(test_deadline_, started + window), std::chrono::milliseconds(10));
        if (exit_)
            co_return failure(fmt::format("the program {} while it should have been waiting idle", exit_->describe()),
                              fmt::format("o programa {} quando deveria estar ocioso", exit_->describe_pt()));
        double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
        double percent = elapsed > 0 ? 100.0 * (program_->cpu_seconds() - cpu_before) / elapsed : 0;
        double running_share = samples > 0 ? 100.0 * running / samples : 0;
        auto printed = stdout_.total_bytes() + stderr_.total_bytes() - output_before;
        if (percent > step.cpu_percent || running_share > 50)
            co_return failure(fmt::format("while nobody talked, the program kept a CPU busy ({:.0f}% of a CPU used, a thread "
                                          "running in {:.0f}% of the samples; at most {:.0f}% expected): a loop is spinning, "
                                          "e.g. on a recv() that returns nothing after a client left",
                                          percent, running_share, step.cpu_percent),
                              fmt::format("sem ninguém falando, o programa manteve uma CPU ocupada ({:.0f}% de uma CPU, uma "
                                          "thread rodando em {:.0f}% das amostras; esperado no máximo {:.0f}%): um laço está "
                                          "girando, p.ex. num recv() que retorna vazio depois que um cliente saiu",
                                          percent, running_share, step.cpu_percent));
        if (printed > 64 * 1024)
            co_return failure(fmt::format("while nobody talked, the program printed {} bytes", printed),
                              fmt::format("sem ninguém falando, o programa imprimiu {} bytes", printed));
        co_return Outcome{};
    }

    const scenario::Scenario& scenario_;
    const scenario::Test& test_;
    const RunOptions& options_;
    RunPlace place_;
    std::uint64_t seed_;
    asio::io_context io_;
    util::Changes changes_;
    util::Transcript transcript_;
    util::Variables vars_;
    int port_ = 0;
    Clock::time_point test_deadline_;
    std::map<std::string, std::unique_ptr<peers::Peer>> peers_;
    std::unique_ptr<process::Program> program_;
    std::optional<process::ExitStatus> exit_;
    peers::Inbox stdout_;
    peers::Inbox stderr_;
    std::filesystem::path home_;
    std::unique_ptr<sandbox::Cgroup> cgroup_;
    Outcome outcome_;
    bool typed_ = false;  // something was written to the program's stdin
    const Step* failed_step_ = nullptr;
    double step_since_ = 0;
    std::optional<FailedAt> failed_at_;
    std::unique_ptr<capture::Recorder> recorder_;  // declared after io_: destroyed before it
    std::string capture_note_;
    std::string grader_error_;
};

}  // namespace

TestResult run_test_here(const scenario::Scenario& scenario, const scenario::Test& test, const RunOptions& options,
                         const RunPlace& place) {
    return TestRun(scenario, test, options, place).run();
}

}  // namespace sockgrade::runner
