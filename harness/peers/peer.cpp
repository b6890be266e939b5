#include "peers/peer.hpp"

#include <algorithm>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "util/deadline.hpp"

namespace sockgrade::peers {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using scenario::Faults;
using scenario::PeerKind;

namespace {
constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);
const auto loopback = asio::ip::make_address_v4("127.0.0.1");

std::optional<std::int64_t> draw(util::Rng& rng, const std::optional<scenario::Range<int>>& range) {
    if (!range) return std::nullopt;
    return rng.between(range->low, range->high);
}

bool udp_faults(const Faults& faults) {
    return faults.drop > 0 || faults.duplicate > 0 || faults.reorder > 0 || faults.delay.has_value();
}

// "2 1 3 3 1": segment sizes for the transcript, the first few.
std::string sizes_text(const std::vector<std::size_t>& sizes) {
    constexpr std::size_t shown = 24;
    std::string text;
    for (std::size_t i = 0; i < std::min(sizes.size(), shown); ++i) text += (i ? " " : "") + std::to_string(sizes[i]);
    if (sizes.size() > shown) text += " …";
    return text;
}

// A peer whose `faults: {read: none}` leaves what arrives unread.
const util::Text reads_nothing{"fault: reads nothing that arrives", "falha simulada: não lê nada do que chega"};

}  // namespace

Peer::Peer(asio::any_io_executor executor, const scenario::Peer& declaration, util::Changes& changes,
           util::Transcript& transcript, std::int64_t keep_bytes, std::uint64_t seed)
    : executor_(executor),
      name_(declaration.name),
      kind_(declaration.kind),
      faults_(declaration.faults),
      rng_(seed),
      changes_(changes),
      transcript_(transcript),
      acceptor_(executor),
      stream_(executor),
      datagram_socket_(executor),
      inbox_(keep_bytes),
      keep_bytes_(keep_bytes) {
    reset_after_sent_ = draw(rng_, faults_.reset_after_sent);
    reset_after_received_ = draw(rng_, faults_.reset_after_received);
    if (udp_faults(faults_)) {
        using Direction = Faults::Direction;
        if (faults_.direction != Direction::from_program)
            to_program_ = std::make_unique<DatagramPath>(executor, faults_, util::derive_seed(seed, "to the program"),
                                                         transcript, name_,
                                                         util::Text{"to the program", "para o programa"});
        if (faults_.direction != Direction::to_program)
            from_program_ = std::make_unique<DatagramPath>(
                executor, faults_, util::derive_seed(seed, "from the program"), transcript, name_,
                util::Text{"from the program", "do programa"});
    }
}

void Peer::start(asio::awaitable<void> task) { asio::co_spawn(executor_, std::move(task), asio::detached); }

std::string Peer::open(int port) {
    boost::system::error_code ec;
    if (kind_ == PeerKind::tcp_server) {
        tcp::endpoint endpoint(asio::ip::address_v4::any(), static_cast<unsigned short>(port));
        acceptor_.open(endpoint.protocol(), ec);
        if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
        // Accepted connections inherit it; set before listen() so the window is negotiated with it.
        if (!ec && faults_.receive_buffer)
            acceptor_.set_option(asio::socket_base::receive_buffer_size(static_cast<int>(*faults_.receive_buffer)), ec);
        if (!ec) acceptor_.bind(endpoint, ec);
        if (!ec) acceptor_.listen(16, ec);
        if (ec) return fmt::format("peer {} could not listen on port {}: {}", name_, port, ec.message());
        start(accept_one());
    } else if (kind_ == PeerKind::udp_server) {
        udp::endpoint endpoint(asio::ip::address_v4::any(), static_cast<unsigned short>(port));
        datagram_socket_.open(endpoint.protocol(), ec);
        if (!ec) datagram_socket_.bind(endpoint, ec);
        if (ec) return fmt::format("peer {} could not bind UDP port {}: {}", name_, port, ec.message());
        start(read_datagrams());
    } else if (kind_ == PeerKind::udp_client) {
        datagram_socket_.open(udp::v4(), ec);
        if (!ec) datagram_socket_.bind(udp::endpoint(loopback, 0), ec);
        if (ec) return fmt::format("peer {} could not open a UDP socket: {}", name_, ec.message());
        local_port_ = datagram_socket_.local_endpoint(ec).port();
        start(read_datagrams());
    }
    return {};
}

asio::awaitable<void> Peer::accept_one() {
    auto [ec, socket] = co_await acceptor_.async_accept(as_tuple_awaitable);
    if (ec) co_return;
    stream_ = std::move(socket);
    connected_ = true;
    auto remote = stream_.remote_endpoint(ec);
    local_port_ = ec ? 0 : remote.port();
    // Split writes must leave as separate segments, not wait for each other (Nagle).
    if (faults_.tcp_send()) stream_.set_option(tcp::no_delay(true), ec);
    transcript_.event(name_,
                      {fmt::format("accepted a connection from the program (port {})", local_port_),
                       fmt::format("aceitou uma conexão do programa (porta {})", local_port_)},
                      util::Mark::accept);
    acceptor_.close(ec);  // one connection is the conversation; later ones are refused
    changes_.notify();
    if (faults_.read == Faults::Read::none) {
        transcript_.event(name_, reads_nothing);
        co_return;
    }
    co_await read_stream();
}

asio::awaitable<std::string> Peer::connect(int port, Clock::time_point deadline) {
    tcp::endpoint endpoint(loopback, static_cast<unsigned short>(port));
    if (faults_.receive_buffer) {
        // Before connect(): the window the peer offers is fixed by it in the handshake.
        boost::system::error_code ec;
        stream_.open(tcp::v4(), ec);
        if (!ec)
            stream_.set_option(asio::socket_base::receive_buffer_size(static_cast<int>(*faults_.receive_buffer)), ec);
        if (ec) co_return fmt::format("{} could not set its receive buffer: {}", name_, ec.message());
    }
    auto result = co_await util::before(stream_.async_connect(endpoint, as_tuple_awaitable), deadline);
    if (!result) {
        stream_.close();
        co_return fmt::format("{} could not connect to port {}: no answer in time", name_, port);
    }
    auto [ec] = *result;
    if (ec) {
        stream_.close();
        if (ec == asio::error::connection_refused)
            co_return fmt::format("{} could not connect: connection refused (nothing listens on port {})", name_, port);
        co_return fmt::format("{} could not connect to port {}: {}", name_, port, ec.message());
    }
    boost::system::error_code ignored;
    local_port_ = stream_.local_endpoint(ignored).port();
    stream_.set_option(tcp::no_delay(true), ignored);
    connected_ = true;
    transcript_.event(name_,
                      {fmt::format("connected from port {}", local_port_),
                       fmt::format("conectou-se a partir da porta {}", local_port_)},
                      util::Mark::connect);
    if (faults_.read == Faults::Read::none) {
        transcript_.event(name_, reads_nothing);
    } else {
        start(read_stream());
    }
    co_return std::string{};
}

asio::awaitable<void> Peer::read_stream() {
    const bool slow = faults_.read == Faults::Read::slow;
    std::vector<char> buffer(slow ? static_cast<std::size_t>(faults_.read_size) : 64 * 1024);
    for (;;) {
        auto [ec, n] = co_await stream_.async_read_some(asio::buffer(buffer), as_tuple_awaitable);
        if (n > 0) {
            std::string_view bytes(buffer.data(), n);
            inbox_.append(bytes);
            transcript_.data(name_, '<', bytes);
            lines_received_ += std::count(bytes.begin(), bytes.end(), '\n');
            if (reset_after_received_ && lines_received_ >= *reset_after_received_) {
                reset_by_fault({fmt::format("after receiving {} lines", *reset_after_received_),
                                fmt::format("depois de receber {} linhas", *reset_after_received_)});
                co_return;
            }
        }
        if (ec) {
            if (closed_by_us_ || ec == asio::error::operation_aborted) co_return;
            bool reset = ec == asio::error::connection_reset;
            inbox_.close(reset);
            transcript_.event(name_,
                              reset ? util::Text{"the program reset the connection (RST)",
                                                 "o programa resetou a conexão (RST)"}
                                    : util::Text{"the program closed the connection (FIN)",
                                                 "o programa fechou a conexão (FIN)"},
                              reset ? util::Mark::program_rst : util::Mark::program_fin);
            changes_.notify();
            co_return;
        }
        changes_.notify();
        if (slow && faults_.read_every.count() > 0) {
            co_await util::pause(faults_.read_every);
            if (closed_by_us_) co_return;
        }
    }
}

void Peer::receive_datagram(const std::string& bytes, int from_port) {
    transcript_.data(name_, '<', bytes);
    datagram_bytes_kept_ += static_cast<std::int64_t>(bytes.size());
    if (datagram_bytes_kept_ <= keep_bytes_) datagrams_.push_back({bytes, from_port});
    changes_.notify();
}

asio::awaitable<void> Peer::read_datagrams() {
    std::vector<char> buffer(65536);
    for (;;) {
        udp::endpoint sender;
        auto [ec, n] = co_await datagram_socket_.async_receive_from(asio::buffer(buffer), sender, as_tuple_awaitable);
        if (ec == asio::error::operation_aborted || !datagram_socket_.is_open()) co_return;
        if (ec) continue;  // e.g. ICMP port unreachable from an earlier send
        last_sender_ = sender;
        std::string bytes(buffer.data(), n);
        const int port = sender.port();
        if (from_program_) {
            from_program_->push(std::move(bytes), [this, port](const std::string& d) { receive_datagram(d, port); });
        } else {
            receive_datagram(bytes, port);
        }
    }
}

asio::awaitable<std::string> Peer::send(std::string bytes, int port, Clock::time_point deadline) {
    if (kind_ == PeerKind::udp_client || kind_ == PeerKind::udp_server) {
        if (!datagram_socket_.is_open()) co_return fmt::format("{} has no open UDP socket", name_);
        udp::endpoint to = kind_ == PeerKind::udp_client || !last_sender_
                               ? udp::endpoint(loopback, static_cast<unsigned short>(port))
                               : *last_sender_;
        transcript_.data(name_, '>', bytes);
        if (to_program_) {
            to_program_->push(std::move(bytes), [this, to](const std::string& datagram) {
                boost::system::error_code ignored;  // like the network: a datagram that cannot go is lost
                if (datagram_socket_.is_open()) datagram_socket_.send_to(asio::buffer(datagram), to, 0, ignored);
            });
            co_return std::string{};
        }
        boost::system::error_code ec;
        datagram_socket_.send_to(asio::buffer(bytes), to, 0, ec);
        if (ec) co_return fmt::format("{} could not send a datagram: {}", name_, ec.message());
        co_return std::string{};
    }
    if (reset_by_fault_) co_return std::string{};  // it reset mid-burst: the rest is never sent
    if (!connected_ || !stream_.is_open()) co_return fmt::format("{} has no open connection to send on", name_);
    if (faults_.coalesce) {
        if (coalesced_copies_ == 0) coalesce_target_ = static_cast<int>(*draw(rng_, faults_.coalesce));
        coalesced_ += bytes;
        if (++coalesced_copies_ < coalesce_target_) co_return std::string{};
        bytes = std::exchange(coalesced_, {});
        coalesced_copies_ = 0;
    }
    co_return co_await write_stream(std::move(bytes), deadline);
}

asio::awaitable<std::string> Peer::flush(Clock::time_point deadline) {
    if (coalesced_.empty()) co_return std::string{};
    coalesced_copies_ = 0;
    auto bytes = std::exchange(coalesced_, {});
    if (reset_by_fault_) co_return std::string{};
    co_return co_await write_stream(std::move(bytes), deadline);
}

// Waits until the kernel has no unacknowledged byte of ours left (SIOCOUTQ):
// on loopback, what we wrote then sits in the program's receive queue as its
// own segment. False when the deadline came first (the program stopped reading).
asio::awaitable<bool> Peer::wait_until_sent(Clock::time_point deadline) {
    // A connection the program ended never acknowledges the rest: stop at once.
    co_return co_await util::poll_until(
        changes_, [&] { return unacknowledged() == 0 || ended_by_program(); }, deadline, std::chrono::milliseconds(1)) &&
        unacknowledged() == 0;
}

std::size_t Peer::unacknowledged() {
    int bytes = 0;
    if (!stream_.is_open() || ::ioctl(stream_.native_handle(), SIOCOUTQ, &bytes) < 0 || bytes < 0) return 0;
    return static_cast<std::size_t>(bytes);
}

// The program's side is gone: it reset the connection, or closed it and its
// kernel answered our next bytes with an RST. A FIN alone is not enough (the
// program may have shut down only its sending side and still read).
bool Peer::ended_by_program() {
    if (!stream_.is_open()) return false;
    tcp_info info{};
    socklen_t size = sizeof info;
    if (::getsockopt(stream_.native_handle(), IPPROTO_TCP, TCP_INFO, &info, &size) < 0) return false;
    return info.tcpi_state == TCP_CLOSE;
}

// Says how much of a write reached the program before it ended the
// connection, once the reader has told FIN from RST (it runs on this
// io_context, so that is at once).
asio::awaitable<std::string> Peer::cut_short_at(std::size_t delivered, std::size_t total, Clock::time_point deadline) {
    if (faults_.read != Faults::Read::none)
        co_await changes_.wait_until([&] { return inbox_.closed(); },
                                     std::min(deadline, Clock::now() + std::chrono::milliseconds(200)));
    // Without a FIN first the reader saw the RST (or nothing, not reading): a reset.
    bool reset = !inbox_.closed() || inbox_.was_reset();
    cut_short_ = CutShort{std::min(delivered, total), total, reset};
    co_return fmt::format("{} could not send: the program {} the connection after {} {} of {} bytes", name_,
                          reset ? "reset" : "closed", reset ? "receiving" : "reading", cut_short_->delivered, total);
}

asio::awaitable<std::string> Peer::write_stream(std::string bytes, Clock::time_point deadline) {
    // A reset after the N-th line sent cuts this write just after that line.
    std::size_t length = bytes.size();
    bool reset_after = false;
    if (reset_after_sent_) {
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            if (bytes[i] == '\n' && ++lines_sent_ == *reset_after_sent_) {
                length = i + 1;
                reset_after = true;
                break;
            }
        }
    }
    cut_short_.reset();
    const std::string_view out(bytes.data(), length);
    transcript_.data(name_, '>', out);

    std::vector<std::size_t> segments;
    for (std::size_t at = 0; at < length;) {
        std::size_t size = faults_.split ? static_cast<std::size_t>(*draw(rng_, faults_.split)) : length;
        size = std::min(size, length - at);
        segments.push_back(size);
        at += size;
    }
    if (segments.size() > 1) {
        const bool fixed = faults_.split->low == faults_.split->high;
        const auto low = faults_.split->low, high = faults_.split->high;
        transcript_.event(name_,
                          {fmt::format("fault: it leaves in {} segments of {} bytes: {}", segments.size(),
                                       fixed ? std::to_string(low) : fmt::format("{} to {}", low, high),
                                       sizes_text(segments)),
                           fmt::format("falha simulada: sai em {} segmentos de {} bytes: {}", segments.size(),
                                       fixed ? std::to_string(low) : fmt::format("{} a {}", low, high),
                                       sizes_text(segments))});
    }
    const std::string too_slow = fmt::format("{} could not send: the program did not read what was sent in time", name_);
    std::size_t at = 0;
    for (std::size_t size : segments) {
        // A pause drawn for every segment keeps the choices the same however long the waits take.
        const auto gap = faults_.gap ? rng_.between(faults_.gap->low, faults_.gap->high) : std::chrono::milliseconds(0);
        if (auto now = Clock::now(); now < next_write_)
            co_await util::pause(next_write_ - now);
        if (!stream_.is_open()) co_return fmt::format("{} has no open connection to send on", name_);
        auto result = co_await util::before(
            asio::async_write(stream_, asio::buffer(out.data() + at, size), as_tuple_awaitable), deadline);
        if (!result) co_return too_slow;
        if (auto [ec, written] = *result; ec) {
            if (ended_by_program()) co_return co_await cut_short_at(at, length, deadline);
            co_return fmt::format("{} could not send: {}", name_, ec.message());
        }
        at += size;
        if (faults_.split && !co_await wait_until_sent(deadline)) {
            if (ended_by_program()) co_return co_await cut_short_at(at - std::min(unacknowledged(), size), length, deadline);
            co_return too_slow;
        }
        next_write_ = Clock::now() + gap;
    }
    if (reset_after) {
        // Only once those lines are in the program's socket: the RST must not discard them.
        if (!co_await wait_until_sent(deadline)) {
            if (ended_by_program()) co_return co_await cut_short_at(length - std::min(unacknowledged(), length), length, deadline);
            co_return too_slow;
        }
        reset_by_fault({fmt::format("after sending {} lines", *reset_after_sent_),
                        fmt::format("depois de enviar {} linhas", *reset_after_sent_)});
    }
    co_return std::string{};
}

void Peer::reset_by_fault(util::Text why) {
    reset_by_fault_ = true;
    coalesced_.clear();
    close_stream(true, {"fault: reset its connection (RST) " + why.en, "falha simulada: resetou sua conexão (RST) " + why.pt});
}

void Peer::close(bool reset) {
    close_stream(reset, reset ? util::Text{"reset its connection (RST)", "resetou sua conexão (RST)"}
                              : util::Text{"closed its connection (FIN)", "fechou sua conexão (FIN)"});
    boost::system::error_code ignored;
    if (datagram_socket_.is_open()) datagram_socket_.close(ignored);
}

void Peer::close_stream(bool reset, util::Text event) {
    boost::system::error_code ignored;
    closed_by_us_ = true;
    if (stream_.is_open()) {
        if (reset) {
            stream_.set_option(asio::socket_base::linger(true, 0), ignored);  // close() then sends an RST
        } else {
            stream_.shutdown(tcp::socket::shutdown_both, ignored);
        }
        stream_.close(ignored);
        transcript_.event(name_, std::move(event), reset ? util::Mark::rst : util::Mark::fin);
    }
    changes_.notify();
}

void Peer::stop() {
    boost::system::error_code ignored;
    closed_by_us_ = true;
    if (to_program_) to_program_->stop();
    if (from_program_) from_program_->stop();
    acceptor_.close(ignored);
    stream_.close(ignored);
    datagram_socket_.close(ignored);
}

}  // namespace sockgrade::peers
