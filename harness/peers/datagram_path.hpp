// The network between a UDP peer and the program, as a test's faults make it:
// each datagram may be dropped, duplicated, delayed, or held back until the
// next one has overtaken it. The peer pushes every datagram through it (what
// it sends, and what it receives from the program), so the program keeps
// seeing the peer's own address: a relay socket in between would show it the
// relay's port instead.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "scenario/scenario.hpp"
#include "util/random.hpp"
#include "util/transcript.hpp"

namespace sockgrade::peers {

class DatagramPath {
public:
    using Deliver = std::function<void(const std::string&)>;

    // `toward` names the direction in the transcript: "to the program" ("para o programa"), "from the program".
    // `seed`: each direction draws its own choices, so replies that come
    // back early or late never change the fate of what is sent.
    DatagramPath(boost::asio::any_io_executor executor, const scenario::Faults& faults, std::uint64_t seed,
                 util::Transcript& transcript, std::string party, util::Text toward);
    ~DatagramPath();
    DatagramPath(const DatagramPath&) = delete;
    DatagramPath& operator=(const DatagramPath&) = delete;

    // Decides the datagram's fate (from the seed) and delivers it, now or later.
    void push(std::string datagram, Deliver deliver);

    // Nothing more is delivered (end of the test).
    void stop();

    // A held datagram waits at most this long for another to overtake it.
    static constexpr std::chrono::milliseconds reorder_window{200};

private:
    struct Held {
        std::string datagram;
        Deliver deliver;
    };
    void pass(std::string datagram, Deliver deliver);
    void deliver_later(std::string datagram, Deliver deliver, std::chrono::milliseconds after);
    void release_held();

    boost::asio::any_io_executor executor_;
    const scenario::Faults& faults_;
    util::Rng rng_;
    util::Transcript& transcript_;
    std::string party_;
    util::Text toward_;
    std::optional<Held> held_;
    std::uint64_t held_generation_ = 0;  // which hold a release timer belongs to
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace sockgrade::peers
