// Counter-based random streams keyed by what is simulated, never by who
// simulates it.
//
// Every random word in clvsim is one output of Philox4x32-10 (Random123) at
// a distinct input:
//
//   key     = seed (64 bits)
//   counter = (customer, period, replication, segment:12 | purpose:4 | draw:16)
//
// so the numbers a customer meets depend only on (seed, replication,
// segment, customer, period, purpose), not on threads, ranks or the
// strategy being simulated (common random numbers across strategies). The
// map from tuple to Philox input is injective, so no two uses of the
// generator ever overlap. `draw` numbers successive 4-word blocks of one
// purpose, for samplers that need more words (rejections, tails).
#pragma once

#include <Random123/philox.h>

#include <cstdint>
#include <stdexcept>

namespace clvsim {

// What a block of random words is for. Adding a purpose never shifts the
// numbers of another.
enum class Purpose : std::uint32_t {
  kPeriod = 0,       // one block per active customer-period (draw 0 only)
  kPeriodExtra = 1,  // more words for that period's samplers (rejections)
  kSetup = 2,        // per-customer draws at acquisition: clock, theta, mu
  kAcquisition = 3,  // per-period count of new customers (customer = kCohortIndex)
};

// Customer index reserved for draws that belong to the whole cohort.
inline constexpr std::uint32_t kCohortIndex = 0xFFFFFFFFu;

class StreamKey {
 public:
  using Philox = r123::Philox4x32;
  using Block = Philox::ctr_type;

  StreamKey(std::uint64_t seed, std::uint32_t replication, std::uint32_t segment)
      : replication_(replication), segment_bits_(segment << 20) {
    key_ = {{static_cast<std::uint32_t>(seed),
             static_cast<std::uint32_t>(seed >> 32)}};
  }

  Block block(std::uint32_t customer, std::uint32_t period, Purpose purpose,
              std::uint32_t draw) const {
    Block ctr = {{customer, period, replication_, word3(purpose, draw)}};
    return Philox()(ctr, key_);
  }

 private:
  std::uint32_t word3(Purpose purpose, std::uint32_t draw) const {
    return segment_bits_ | (static_cast<std::uint32_t>(purpose) << 16) | draw;
  }

 private:
  Philox::key_type key_;
  std::uint32_t replication_;
  std::uint32_t segment_bits_;
};

// A UniformRandomBitGenerator of 64-bit words over one (customer, period,
// purpose) stream, so Boost.Random distributions can draw from it. Cheap to
// construct: Philox runs only when a word is asked for, kBatch blocks at a
// time. Blocks in a batch are independent, so the compiler runs their Philox
// rounds side by side in vector registers instead of waiting out each
// block's 10-round latency; choose kBatch near the words a caller needs.
template <int kBatch>
class BatchedWordEngine {
 public:
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }

  BatchedWordEngine(const StreamKey& key, std::uint32_t customer,
                    std::uint32_t period, Purpose purpose)
      : key_(&key), customer_(customer), period_(period), purpose_(purpose) {}

  result_type operator()() {
    if (next_ == 2 * kBatch) refill();
    const auto& b = blocks_[next_ / 2].v;
    const int half = 2 * (next_ % 2);
    ++next_;
    return static_cast<result_type>(b[half]) |
           (static_cast<result_type>(b[half + 1]) << 32);
  }

 private:
  void refill() {
    // 65,536 blocks of one purpose would need a sampler rejecting hundreds of
    // thousands of times in a row; treat it as the bug it would be.
    if (draw_ + kBatch > 0x10000u) throw std::logic_error("random stream exhausted");
    for (int j = 0; j < kBatch; ++j) {
      blocks_[j] = key_->block(customer_, period_, purpose_, draw_ + j);
    }
    draw_ += kBatch;
    next_ = 0;
  }

  const StreamKey* key_;
  std::uint32_t customer_;
  std::uint32_t period_;
  Purpose purpose_;
  std::uint32_t draw_ = 0;
  int next_ = 2 * kBatch;
  StreamKey::Block blocks_[kBatch];
};

// For rare draws (rejections, tails): one block at a time.
using WordEngine = BatchedWordEngine<1>;

// A uniform on the open interval (0, 1), so log(u) and u^(1/a) are finite.
inline double uniform_open(std::uint32_t word) {
  return (static_cast<double>(word) + 0.5) * 0x1p-32;
}
inline double uniform_open(std::uint64_t word) {
  // 52 bits, not 53: (2^53 - 0.5) * 2^-53 would round up to exactly 1.
  return (static_cast<double>(word >> 12) + 0.5) * 0x1p-52;
}

}  // namespace clvsim
