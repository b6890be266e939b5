// A queue between threads with a limit on what it holds.
//
// The chat server gives every client one of these for the lines waiting to be
// sent to it. Producers never block: a full queue means the consumer is not
// keeping up, and the producer decides what to do (drop the slow client)
// instead of stalling everyone else behind it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>

namespace lab {

enum class PushResult { ok, full, closed };

template <typename T>
class BoundedQueue {
 public:
  // weight(item) is what an item counts against capacity: 1 by default, or
  // e.g. its size in bytes. An item heavier than capacity is never accepted.
  using Weight = std::function<std::size_t(const T&)>;

  explicit BoundedQueue(std::size_t capacity, Weight weight = [](const T&) { return std::size_t{1}; })
      : capacity_(capacity), weight_of_(std::move(weight)) {}

  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Never blocks. On full or closed the item is not queued.
  PushResult try_push(T item) {
    std::size_t weight = weight_of_(item);
    {
      std::lock_guard lock(mutex_);
      if (closed_) {
        return PushResult::closed;
      }
      if (weight > capacity_ - weight_) {
        return PushResult::full;
      }
      weight_ += weight;
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
    return PushResult::ok;
  }

  // Blocks until there is an item. After close() the items already queued are
  // still handed out; then nullopt says there will be no more.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || !items_.empty(); });
    return take(lock);
  }

  // As pop(), but gives up (nullopt) after timeout.
  template <typename Rep, typename Period>
  std::optional<T> pop_for(std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock lock(mutex_);
    ready_.wait_for(lock, timeout, [&] { return closed_ || !items_.empty(); });
    return take(lock);
  }

  // Refuses new items and wakes every waiting consumer.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }

  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  std::size_t weight() const {
    std::lock_guard lock(mutex_);
    return weight_;
  }

 private:
  std::optional<T> take(std::unique_lock<std::mutex>&) {
    if (items_.empty()) {
      return std::nullopt;
    }
    T item = std::move(items_.front());
    items_.pop_front();
    weight_ -= weight_of_(item);
    return item;
  }

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<T> items_;
  std::size_t weight_ = 0;
  bool closed_ = false;
  const std::size_t capacity_;
  const Weight weight_of_;
};

}  // namespace lab
