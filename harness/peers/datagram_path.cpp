#include "peers/datagram_path.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <fmt/format.h>

#include "util/deadline.hpp"
#include "util/text.hpp"

namespace sockgrade::peers {

namespace asio = boost::asio;

namespace {

// Runs `then` after `after`, unless the path was stopped meanwhile.
asio::awaitable<void> after_pause(std::chrono::milliseconds after, std::shared_ptr<bool> alive,
                                  std::function<void()> then) {
    co_await util::pause(after);
    if (*alive) then();
}

}  // namespace

DatagramPath::DatagramPath(asio::any_io_executor executor, const scenario::Faults& faults, std::uint64_t seed,
                           util::Transcript& transcript, std::string party, util::Text toward)
    : executor_(std::move(executor)),
      faults_(faults),
      rng_(seed),
      transcript_(transcript),
      party_(std::move(party)),
      toward_(std::move(toward)) {}

DatagramPath::~DatagramPath() { stop(); }

void DatagramPath::stop() {
    *alive_ = false;
    held_.reset();
}

void DatagramPath::push(std::string datagram, Deliver deliver) {
    if (!*alive_) return;
    const std::string what = util::quoted(datagram, 60);
    // Every choice is drawn in the same order for every datagram, so a seed
    // gives the same fates whatever the timing.
    const bool drop = rng_.chance(faults_.drop);
    const bool twice = rng_.chance(faults_.duplicate);
    if (drop) {
        transcript_.event(party_, {fmt::format("fault: the datagram {} {} was dropped", what, toward_.en),
                                   fmt::format("falha simulada: o datagrama {} {} foi descartado", what, toward_.in("pt"))});
        return;
    }
    if (twice)
        transcript_.event(party_, {fmt::format("fault: the datagram {} {} arrives twice", what, toward_.en),
                                   fmt::format("falha simulada: o datagrama {} {} chega duas vezes", what, toward_.in("pt"))});
    pass(datagram, deliver);
    if (twice) pass(std::move(datagram), std::move(deliver));
}

void DatagramPath::pass(std::string datagram, Deliver deliver) {
    const auto delay = faults_.delay ? rng_.between(faults_.delay->low, faults_.delay->high) : std::chrono::milliseconds(0);
    const bool hold = rng_.chance(faults_.reorder);
    const std::string what = util::quoted(datagram, 60);
    if (delay.count() > 0)
        transcript_.event(party_,
                          {fmt::format("fault: the datagram {} {} is delayed by {} ms", what, toward_.en, delay.count()),
                           fmt::format("falha simulada: o datagrama {} {} é atrasado em {} ms", what, toward_.in("pt"), delay.count())});
    if (held_) {
        // The held one is overtaken by this one, then follows it.
        deliver_later(std::move(datagram), std::move(deliver), delay);
        release_held();
        return;
    }
    if (hold) {
        transcript_.event(party_,
                          {fmt::format("fault: the datagram {} {} is held back until the next one overtakes it", what,
                                       toward_.en),
                           fmt::format("falha simulada: o datagrama {} {} fica retido até o próximo passar à frente",
                                       what, toward_.in("pt"))});
        // The delay applies when it is released.
        held_ = Held{std::move(datagram), [this, deliver = std::move(deliver), delay](const std::string& bytes) {
                         deliver_later(bytes, deliver, delay);
                     }};
        const auto generation = ++held_generation_;
        asio::co_spawn(executor_,
                       after_pause(reorder_window, alive_,
                                   [this, generation] {
                                       if (held_ && held_generation_ == generation) release_held();
                                   }),
                       asio::detached);
        return;
    }
    deliver_later(std::move(datagram), std::move(deliver), delay);
}

void DatagramPath::release_held() {
    auto held = std::move(*held_);
    held_.reset();
    ++held_generation_;
    held.deliver(held.datagram);
}

void DatagramPath::deliver_later(std::string datagram, Deliver deliver, std::chrono::milliseconds after) {
    if (after.count() <= 0) {
        deliver(datagram);
        return;
    }
    asio::co_spawn(executor_,
                   after_pause(after, alive_,
                               [datagram = std::move(datagram), deliver = std::move(deliver)] { deliver(datagram); }),
                   asio::detached);
}

}  // namespace sockgrade::peers
