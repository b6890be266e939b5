#include "peers/peer.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "util/deadline.hpp"

namespace sockgrade::peers {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using scenario::PeerKind;

namespace {
constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);
const auto loopback = asio::ip::make_address_v4("127.0.0.1");
}  // namespace

Peer::Peer(asio::any_io_executor executor, const scenario::Peer& declaration, util::Changes& changes,
           util::Transcript& transcript, std::int64_t keep_bytes)
    : executor_(executor),
      name_(declaration.name),
      kind_(declaration.kind),
      changes_(changes),
      transcript_(transcript),
      acceptor_(executor),
      stream_(executor),
      datagram_socket_(executor),
      inbox_(keep_bytes),
      keep_bytes_(keep_bytes) {}

void Peer::start(asio::awaitable<void> task) { asio::co_spawn(executor_, std::move(task), asio::detached); }

std::string Peer::open(int port) {
    boost::system::error_code ec;
    if (kind_ == PeerKind::tcp_server) {
        tcp::endpoint endpoint(asio::ip::address_v4::any(), static_cast<unsigned short>(port));
        acceptor_.open(endpoint.protocol(), ec);
        if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
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
    transcript_.event(name_, fmt::format("accepted a connection from the program (port {})", local_port_),
                      util::Mark::accept);
    acceptor_.close(ec);  // one connection is the conversation; later ones are refused
    changes_.notify();
    co_await read_stream();
}

asio::awaitable<std::string> Peer::connect(int port, Clock::time_point deadline) {
    tcp::endpoint endpoint(loopback, static_cast<unsigned short>(port));
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
    transcript_.event(name_, fmt::format("connected from port {}", local_port_), util::Mark::connect);
    start(read_stream());
    co_return std::string{};
}

asio::awaitable<void> Peer::read_stream() {
    std::vector<char> buffer(64 * 1024);
    for (;;) {
        auto [ec, n] = co_await stream_.async_read_some(asio::buffer(buffer), as_tuple_awaitable);
        if (n > 0) {
            std::string_view bytes(buffer.data(), n);
            inbox_.append(bytes);
            transcript_.data(name_, '<', bytes);
        }
        if (ec) {
            if (closed_by_us_ || ec == asio::error::operation_aborted) co_return;
            bool reset = ec == asio::error::connection_reset;
            inbox_.close(reset);
            transcript_.event(name_,
                              reset ? "the program reset the connection (RST)" : "the program closed the connection (FIN)",
                              reset ? util::Mark::program_rst : util::Mark::program_fin);
            changes_.notify();
            co_return;
        }
        changes_.notify();
    }
}

asio::awaitable<void> Peer::read_datagrams() {
    std::vector<char> buffer(65536);
    for (;;) {
        udp::endpoint sender;
        auto [ec, n] = co_await datagram_socket_.async_receive_from(asio::buffer(buffer), sender, as_tuple_awaitable);
        if (ec == asio::error::operation_aborted || !datagram_socket_.is_open()) co_return;
        if (ec) continue;  // e.g. ICMP port unreachable from an earlier send
        last_sender_ = sender;
        std::string_view bytes(buffer.data(), n);
        transcript_.data(name_, '<', bytes);
        datagram_bytes_kept_ += static_cast<std::int64_t>(n);
        if (datagram_bytes_kept_ <= keep_bytes_) datagrams_.push_back({std::string(bytes), sender.port()});
        changes_.notify();
    }
}

asio::awaitable<std::string> Peer::send(std::string bytes, int port, Clock::time_point deadline) {
    if (kind_ == PeerKind::udp_client || kind_ == PeerKind::udp_server) {
        boost::system::error_code ec;
        if (!datagram_socket_.is_open()) co_return fmt::format("{} has no open UDP socket", name_);
        udp::endpoint to = kind_ == PeerKind::udp_client || !last_sender_
                               ? udp::endpoint(loopback, static_cast<unsigned short>(port))
                               : *last_sender_;
        datagram_socket_.send_to(asio::buffer(bytes), to, 0, ec);
        transcript_.data(name_, '>', bytes);
        if (ec) co_return fmt::format("{} could not send a datagram: {}", name_, ec.message());
        co_return std::string{};
    }
    if (!connected_ || !stream_.is_open()) co_return fmt::format("{} has no open connection to send on", name_);
    transcript_.data(name_, '>', bytes);
    auto result = co_await util::before(asio::async_write(stream_, asio::buffer(bytes), as_tuple_awaitable), deadline);
    if (!result)
        co_return fmt::format("{} could not send: the program did not read what was sent in time", name_);
    auto [ec, written] = *result;
    if (ec) co_return fmt::format("{} could not send: {}", name_, ec.message());
    co_return std::string{};
}

void Peer::close(bool reset) {
    boost::system::error_code ignored;
    closed_by_us_ = true;
    if (stream_.is_open()) {
        if (reset) {
            stream_.set_option(asio::socket_base::linger(true, 0), ignored);
        } else {
            stream_.shutdown(tcp::socket::shutdown_both, ignored);
        }
        stream_.close(ignored);
        transcript_.event(name_, reset ? "reset its connection (RST)" : "closed its connection (FIN)",
                          reset ? util::Mark::rst : util::Mark::fin);
    }
    if (datagram_socket_.is_open()) datagram_socket_.close(ignored);
    changes_.notify();
}

void Peer::stop() {
    boost::system::error_code ignored;
    closed_by_us_ = true;
    acceptor_.close(ignored);
    stream_.close(ignored);
    datagram_socket_.close(ignored);
}

}  // namespace sockgrade::peers
