// A fake party of the conversation: a TCP or UDP client or server played by
// the grader, with a reader that records everything it receives.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include "peers/inbox.hpp"
#include "scenario/scenario.hpp"
#include "util/changes.hpp"
#include "util/transcript.hpp"

namespace sockgrade::peers {

using util::Clock;

struct Datagram {
    std::string bytes;
    int from_port = 0;
};

class Peer {
public:
    Peer(boost::asio::any_io_executor executor, const scenario::Peer& declaration, util::Changes& changes,
         util::Transcript& transcript, std::int64_t keep_bytes);

    const std::string& name() const { return name_; }
    scenario::PeerKind kind() const { return kind_; }

    // Before the program starts: server kinds bind (and listen) on the port;
    // a udp-client binds its own socket. Returns an error message, empty on success.
    std::string open(int port);

    // tcp-client: connects to the program. Empty on success, else why not.
    boost::asio::awaitable<std::string> connect(int port, Clock::time_point deadline);

    // Sends bytes: on the TCP connection, or as one datagram (to the program's
    // port for a udp-client, back to the last sender for a udp-server).
    boost::asio::awaitable<std::string> send(std::string bytes, int port, Clock::time_point deadline);

    // Closes the connection: FIN, or RST when reset.
    void close(bool reset);

    // Stops every read and accept (end of the test).
    void stop();

    bool connected() const { return connected_; }
    int local_port() const { return local_port_; }
    Inbox& inbox() { return inbox_; }
    const std::vector<Datagram>& datagrams() const { return datagrams_; }
    std::size_t datagram_cursor = 0;

private:
    boost::asio::awaitable<void> accept_one();
    boost::asio::awaitable<void> read_stream();
    boost::asio::awaitable<void> read_datagrams();
    void start(boost::asio::awaitable<void> task);

    boost::asio::any_io_executor executor_;
    std::string name_;
    scenario::PeerKind kind_;
    util::Changes& changes_;
    util::Transcript& transcript_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::ip::tcp::socket stream_;
    boost::asio::ip::udp::socket datagram_socket_;
    std::optional<boost::asio::ip::udp::endpoint> last_sender_;
    Inbox inbox_;
    std::vector<Datagram> datagrams_;
    std::int64_t datagram_bytes_kept_ = 0;
    std::int64_t keep_bytes_;
    bool connected_ = false;
    bool closed_by_us_ = false;
    int local_port_ = 0;
};

}  // namespace sockgrade::peers
