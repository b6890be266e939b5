// A fake party of the conversation: a TCP or UDP client or server played by
// the grader, with a reader that records everything it receives, and the
// faults its test declares for it (split or coalesced writes, slow reads,
// resets, lost or duplicated datagrams), every choice drawn from its seed.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include "peers/datagram_path.hpp"
#include "peers/inbox.hpp"
#include "scenario/scenario.hpp"
#include "util/changes.hpp"
#include "util/random.hpp"
#include "util/transcript.hpp"

namespace sockgrade::peers {

using util::Clock;

struct Datagram {
    std::string bytes;
    int from_port = 0;
};

class Peer {
public:
    // `seed` drives the peer's faults (the test run's seed and the peer's name make it).
    Peer(boost::asio::any_io_executor executor, const scenario::Peer& declaration, util::Changes& changes,
         util::Transcript& transcript, std::int64_t keep_bytes, std::uint64_t seed = 0);

    const std::string& name() const { return name_; }
    scenario::PeerKind kind() const { return kind_; }

    // Before the program starts: server kinds bind (and listen) on the port;
    // a udp-client binds its own socket. Returns an error message, empty on success.
    std::string open(int port);

    // tcp-client: connects to the program. Empty on success, else why not.
    boost::asio::awaitable<std::string> connect(int port, Clock::time_point deadline);

    // Sends bytes: on the TCP connection, or as one datagram (to the program's
    // port for a udp-client, back to the last sender for a udp-server). With
    // `coalesce`, the bytes may wait for the next send or for flush().
    boost::asio::awaitable<std::string> send(std::string bytes, int port, Clock::time_point deadline);

    // Writes what coalescing still holds (the end of a send or burst step).
    boost::asio::awaitable<std::string> flush(Clock::time_point deadline);

    // Closes the connection: FIN, or RST when reset.
    void close(bool reset);

    // Stops every read and accept (end of the test).
    void stop();

    // A send that stopped because the program ended the connection in the
    // middle of it: how many of its bytes had reached the program, and how it ended.
    struct CutShort {
        std::size_t delivered = 0;
        std::size_t total = 0;
        bool reset = false;  // RST (it closed with bytes unread), else FIN
    };
    const std::optional<CutShort>& cut_short() const { return cut_short_; }

    bool connected() const { return connected_; }
    // Connected, and closed by neither side yet.
    bool connection_open() const { return connected_ && !closed_by_us_ && !inbox_.closed(); }
    int local_port() const { return local_port_; }
    Inbox& inbox() { return inbox_; }
    const std::vector<Datagram>& datagrams() const { return datagrams_; }
    std::size_t datagram_cursor = 0;

private:
    boost::asio::awaitable<void> accept_one();
    boost::asio::awaitable<void> read_stream();
    boost::asio::awaitable<void> read_datagrams();
    boost::asio::awaitable<std::string> write_stream(std::string bytes, Clock::time_point deadline);
    boost::asio::awaitable<bool> wait_until_sent(Clock::time_point deadline);
    bool ended_by_program();
    std::size_t unacknowledged();
    boost::asio::awaitable<std::string> cut_short_at(std::size_t delivered, std::size_t total,
                                                     Clock::time_point deadline);
    void start(boost::asio::awaitable<void> task);
    void reset_by_fault(util::Text why);
    // FIN or RST on the TCP connection, told in the transcript as `event`.
    void close_stream(bool reset, util::Text event);
    void receive_datagram(const std::string& bytes, int from_port);

    boost::asio::any_io_executor executor_;
    std::string name_;
    scenario::PeerKind kind_;
    scenario::Faults faults_;
    util::Rng rng_;
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

    // Faults: what they have done so far.
    std::string coalesced_;                 // copies waiting to leave in one write
    int coalesced_copies_ = 0;
    int coalesce_target_ = 0;               // copies in the current group
    Clock::time_point next_write_;          // a gap keeps writes apart until then
    std::int64_t lines_sent_ = 0;
    std::int64_t lines_received_ = 0;
    std::optional<std::int64_t> reset_after_sent_;      // drawn once
    std::optional<std::int64_t> reset_after_received_;
    bool reset_by_fault_ = false;
    std::optional<CutShort> cut_short_;
    std::unique_ptr<DatagramPath> to_program_;
    std::unique_ptr<DatagramPath> from_program_;
};

}  // namespace sockgrade::peers
