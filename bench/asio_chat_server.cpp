// The baseline of the chat load benchmark: the chat-server lab's protocol
// (every line a client sends goes to every other client as
// "<sender ip>:<port>: <text>\n") on one thread, with Asio (epoll) instead of
// two threads per client. Like the reference it frames lines (at most 256 KiB)
// and gives each client an outbox of at most 1 MiB; a client that falls
// further behind is dropped, so one slow reader never stalls the others.
//
//   asio_chat_server PORT
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::size_t max_line_bytes = 256 * 1024;
constexpr std::size_t max_outbox_bytes = 1024 * 1024;

class Session;
using Room = std::set<std::shared_ptr<Session>>;

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, Room& room) : socket_(std::move(socket)), room_(room) {
        boost::system::error_code ec;
        auto peer = socket_.remote_endpoint(ec);
        name_ = ec ? "?" : peer.address().to_string() + ":" + std::to_string(peer.port());
    }

    void start() {
        room_.insert(shared_from_this());
        read();
    }

    // Queues a line; false when the client is too far behind (it is then dropped).
    void deliver(const std::shared_ptr<const std::string>& line) {
        if (closed_) return;
        if (queued_bytes_ + line->size() > max_outbox_bytes) {
            close();
            return;
        }
        queued_bytes_ += line->size();
        outbox_.push_back(line);
        if (outbox_.size() == 1) write();
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        boost::system::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
        room_.erase(shared_from_this());
    }

private:
    void read() {
        socket_.async_read_some(asio::buffer(buffer_), [self = shared_from_this()](boost::system::error_code ec,
                                                                                     std::size_t n) {
            if (self->closed_) return;
            if (ec) {
                if (ec == asio::error::eof && !self->partial_.empty()) self->broadcast(self->partial_);
                self->close();
                return;
            }
            self->partial_.append(self->buffer_, n);
            std::size_t start = 0;
            for (std::size_t end; (end = self->partial_.find('\n', start)) != std::string::npos; start = end + 1) {
                std::string_view line(self->partial_.data() + start, end - start);
                if (line.ends_with('\r')) line.remove_suffix(1);
                self->broadcast(line);
                if (self->closed_) return;
            }
            self->partial_.erase(0, start);
            if (self->partial_.size() > max_line_bytes) {
                self->close();
                return;
            }
            self->read();
        });
    }

    void broadcast(std::string_view text) {
        auto line = std::make_shared<const std::string>(name_ + ": " + std::string(text) + "\n");
        auto self = shared_from_this();
        // Copy: deliver() may drop (erase) a client from the room.
        std::vector<std::shared_ptr<Session>> everyone(room_.begin(), room_.end());
        for (const auto& other : everyone)
            if (other != self) other->deliver(line);
    }

    void write() {
        asio::async_write(socket_, asio::buffer(*outbox_.front()),
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                              if (self->closed_) return;
                              if (ec) {
                                  self->close();
                                  return;
                              }
                              self->queued_bytes_ -= self->outbox_.front()->size();
                              self->outbox_.pop_front();
                              if (!self->outbox_.empty()) self->write();
                          });
    }

    tcp::socket socket_;
    Room& room_;
    std::string name_;
    char buffer_[16 * 1024];
    std::string partial_;
    std::deque<std::shared_ptr<const std::string>> outbox_;
    std::size_t queued_bytes_ = 0;
    bool closed_ = false;
};

void accept(tcp::acceptor& acceptor, asio::steady_timer& pause, Room& room) {
    acceptor.async_accept([&](boost::system::error_code ec, tcp::socket socket) {
        if (!acceptor.is_open()) return;
        if (!ec) {
            std::make_shared<Session>(std::move(socket), room)->start();
            accept(acceptor, pause, room);
            return;
        }
        // E.g. out of descriptors: say so, and try again in 100 ms rather than spin.
        std::fprintf(stderr, "asio-chat-server: accept: %s\n", ec.message().c_str());
        pause.expires_after(std::chrono::milliseconds(100));
        pause.async_wait([&](boost::system::error_code) { accept(acceptor, pause, room); });
    });
}

}  // namespace

int main(int argc, char** argv) {
    int port = argc > 1 ? std::atoi(argv[1]) : 0;
    if (port <= 0 || port > 65535) {
        std::fprintf(stderr, "usage: asio_chat_server PORT\n");
        return 2;
    }
    try {
        asio::io_context io(1);
        tcp::acceptor acceptor(io);
        tcp::endpoint endpoint(tcp::v4(), static_cast<unsigned short>(port));
        acceptor.open(endpoint.protocol());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen(asio::socket_base::max_listen_connections);
        Room room;
        asio::steady_timer pause(io);
        accept(acceptor, pause, room);
        asio::signal_set stop(io, SIGINT, SIGTERM);
        stop.async_wait([&](boost::system::error_code, int) {
            boost::system::error_code ignored;
            acceptor.close(ignored);
            for (const auto& session : Room(room)) session->close();
            io.stop();
        });
        io.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "asio-chat-server: %s\n", e.what());
        return 1;
    }
    return 0;
}
