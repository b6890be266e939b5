// capture/: a Wireshark capture of one test. A packet socket on the loopback
// interface of the test's own network namespace records every packet the
// program and the fake peers exchange, read on the test's single-threaded
// io_context (no thread of its own). Only for a sandbox worker inside its own
// network namespace: on the host network it would record other people's traffic.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

namespace sockgrade::capture {

// Who used which port: {"program", 5000}, {"A", 41234}. Named in the file's
// comments, so a reader of the capture knows which connection is whose.
struct PortOwner {
    std::string party;
    int port = 0;
};

struct Counts {
    std::uint64_t packets = 0;        // kept
    std::uint64_t bytes = 0;          // kept, as captured
    std::uint64_t packets_over = 0;   // seen after the cap was reached: counted, not kept
    std::uint64_t bytes_over = 0;
    std::uint64_t packets_lost = 0;   // dropped by the kernel (the socket's buffer was full)
};

class Recorder {
public:
    ~Recorder();
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    // Starts recording `lo` of the current network namespace. Keeps at most
    // max_bytes of packets; later ones are only counted. `transcript_clock`
    // reads the transcript's clock, so packet comments can give its times.
    // nullptr, with `error` set, when the packet socket cannot be had.
    static std::unique_ptr<Recorder> start(boost::asio::any_io_executor executor, std::int64_t max_bytes,
                                           const std::function<double()>& transcript_clock, std::string& error);

    // Reads what is still queued (everything sent so far on lo) and stops.
    void stop();

    Counts counts() const { return counts_; }

    // The capture as a pcapng file: a first comment with `title` and every
    // port's owner, and on each packet who sent it to whom, with its time on
    // the transcript's clock ("+0.412s A -> program").
    std::string pcapng(std::string_view title, const std::vector<PortOwner>& owners) const;

    // What the capture left out, "" when nothing: "cut at 8 MiB: 1234 more
    // packets (5.2 MiB) not kept".
    std::string note() const;

private:
    struct Raw;
    Recorder(boost::asio::any_io_executor executor, int fd, std::int64_t max_bytes);
    void read_loop();
    // Reads up to `limit` queued packets; false when the socket is empty or failed.
    bool drain(int limit);

    std::unique_ptr<Raw> raw_;
    std::int64_t max_bytes_;
    double transcript_seconds_ = 0;  // the transcript's clock at start...
    std::int64_t started_ns_ = 0;    // ...and the wall clock then
    Counts counts_;
    bool stopped_ = false;
};

}  // namespace sockgrade::capture
