// The checkpoint file format: a readable header, the image in binary, a
// CRC-32 trailer.
//
//   clvsim-checkpoint 1
//   version 0.1.0
//   plan fixed
//   scenario 1234            (bytes of resolved YAML that follow, then \n)
//   ...
//   replications 12
//   state 4711               (doubles of the results state)
//   histogram 138249 97      (buckets in all, nonzero ones stored)
//   <state doubles><active customer-periods double><97 x (u64 index, u64 count)>
//   crc32 1a2b3c4d
//
// Numbers in the binary part are little-endian IEEE doubles and unsigned
// 64-bit integers, written byte by byte so the file means the same on any
// host. Why a CRC: a checkpoint cut short or corrupted on disk must be
// refused, never half-trusted; Boost's CRC is the library one.
#include <boost/crc.hpp>

#include <bit>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "clvsim/checkpoint.hpp"
#include "clvsim/error.hpp"
#include "clvsim/scenario_loader.hpp"

namespace clvsim {
namespace {

constexpr const char* kMagic = "clvsim-checkpoint 1\n";
constexpr std::uint64_t kMaxHistogramBuckets = std::uint64_t{1} << 26;

#ifndef CLVSIM_VERSION
#define CLVSIM_VERSION "unknown"
#endif

std::uint32_t crc32_of(const char* data, std::size_t size) {
  boost::crc_32_type crc;
  crc.process_bytes(data, size);
  return crc.checksum();
}

void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Reads the parts of a checkpoint in order; every failure names the file.
class Reader {
 public:
  Reader(const std::string& bytes, std::size_t end, const std::string& file)
      : bytes_(bytes), end_(end), file_(file) {}

  [[noreturn]] void fail(const std::string& problem) const {
    throw InputError(file_, {}, "", "not a usable checkpoint: " + problem,
                     "a file written by clvsim run --checkpoint (delete it to start afresh)");
  }

  // "KEY VALUE\n"; returns VALUE.
  std::string line(std::string_view key) {
    const std::size_t newline = bytes_.find('\n', at_);
    if (newline == std::string::npos || newline >= end_) fail("the header ends early");
    const std::string_view text(bytes_.data() + at_, newline - at_);
    if (text.substr(0, key.size()) != key || text.size() <= key.size() || text[key.size()] != ' ') {
      fail("expected '" + std::string(key) + " ...' in the header");
    }
    at_ = newline + 1;
    return std::string(text.substr(key.size() + 1));
  }

  std::uint64_t number(std::string_view key, std::string_view text, std::uint64_t max) const {
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || value > max) {
      fail("bad " + std::string(key) + " '" + std::string(text) + "'");
    }
    return value;
  }

  std::string raw(std::size_t size) {
    if (size > end_ - at_) fail("the file ends early");
    std::string text = bytes_.substr(at_, size);
    at_ += size;
    return text;
  }

  void expect(char c) {
    if (at_ >= end_ || bytes_[at_] != c) fail("the layout is damaged");
    ++at_;
  }

  std::uint64_t u64() {
    if (end_ - at_ < 8) fail("the binary part ends early");
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) {
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[at_ + i])) << (8 * i);
    }
    at_ += 8;
    return v;
  }

  std::size_t left() const { return end_ - at_; }

 private:
  const std::string& bytes_;
  std::size_t end_;
  const std::string& file_;
  std::size_t at_ = 0;
};

}  // namespace

CheckpointHeader checkpoint_header(const Scenario& scenario, const std::string& plan) {
  Scenario without_count = scenario;
  without_count.simulation.replications = 0;
  return {CLVSIM_VERSION, plan, resolved_scenario_yaml(without_count)};
}

std::string encode_checkpoint(const CheckpointHeader& header, const SimulationImage& image) {
  std::string out = kMagic;
  out += "version " + header.version + "\n";
  out += "plan " + header.plan + "\n";
  out += "scenario " + std::to_string(header.scenario.size()) + "\n" + header.scenario + "\n";
  out += "replications " + std::to_string(image.replications) + "\n";
  out += "state " + std::to_string(image.results_state.size()) + "\n";
  std::uint64_t nonzero = 0;
  for (std::uint64_t c : image.histogram_counts) nonzero += c != 0;
  out += "histogram " + std::to_string(image.histogram_counts.size()) + " " +
         std::to_string(nonzero) + "\n";
  for (double x : image.results_state) put_u64(out, std::bit_cast<std::uint64_t>(x));
  put_u64(out, std::bit_cast<std::uint64_t>(image.active_customer_periods));
  for (std::size_t i = 0; i < image.histogram_counts.size(); ++i) {
    if (image.histogram_counts[i] == 0) continue;
    put_u64(out, i);
    put_u64(out, image.histogram_counts[i]);
  }
  char trailer[32];
  std::snprintf(trailer, sizeof trailer, "crc32 %08x\n", crc32_of(out.data(), out.size()));
  return out + trailer;
}

void decode_checkpoint(const std::string& bytes, const std::string& file,
                       CheckpointHeader& header, SimulationImage& image) {
  constexpr std::size_t kTrailer = sizeof("crc32 01234567\n") - 1;
  if (bytes.compare(0, std::strlen(kMagic), kMagic) != 0) {
    Reader(bytes, 0, file).fail("it does not start with 'clvsim-checkpoint 1'");
  }
  if (bytes.size() < std::strlen(kMagic) + kTrailer) Reader(bytes, 0, file).fail("it is cut short");
  const std::size_t body = bytes.size() - kTrailer;
  {
    Reader at_trailer(bytes, bytes.size(), file);
    at_trailer.raw(body);
    const std::string crc_text = at_trailer.line("crc32");
    const std::uint64_t crc = [&] {
      std::uint64_t v = 0;
      const char* end = crc_text.data() + crc_text.size();
      const auto [ptr, ec] = std::from_chars(crc_text.data(), end, v, 16);
      if (ec != std::errc() || ptr != end || crc_text.size() != 8) {
        at_trailer.fail("its last line is not 'crc32 XXXXXXXX' (cut short?)");
      }
      return v;
    }();
    if (crc != crc32_of(bytes.data(), body)) at_trailer.fail("its CRC-32 does not match (damaged)");
  }

  Reader in(bytes, body, file);
  in.raw(std::strlen(kMagic));
  header.version = in.line("version");
  header.plan = in.line("plan");
  const std::uint64_t scenario_size = in.number("scenario size", in.line("scenario"), in.left());
  header.scenario = in.raw(scenario_size);
  in.expect('\n');
  image.replications = static_cast<std::uint32_t>(
      in.number("replications", in.line("replications"), kMaxReplications));
  const std::uint64_t state_size = in.number("state size", in.line("state"), in.left() / 8);
  const std::string histogram = in.line("histogram");
  const std::size_t space = histogram.find(' ');
  if (space == std::string::npos) in.fail("bad histogram line '" + histogram + "'");
  const std::uint64_t buckets =
      in.number("histogram size", std::string_view(histogram).substr(0, space),
                kMaxHistogramBuckets);
  const std::uint64_t nonzero =
      in.number("histogram entries", std::string_view(histogram).substr(space + 1), buckets);

  if (in.left() != 8 * (state_size + 1 + 2 * nonzero)) {
    in.fail("the binary part has the wrong length");
  }
  image.results_state.resize(state_size);
  for (double& x : image.results_state) x = std::bit_cast<double>(in.u64());
  image.active_customer_periods = std::bit_cast<double>(in.u64());
  image.histogram_counts.assign(buckets, 0);
  std::uint64_t previous = 0;
  for (std::uint64_t i = 0; i < nonzero; ++i) {
    const std::uint64_t index = in.u64();
    const std::uint64_t count = in.u64();
    if (index >= buckets || (i > 0 && index <= previous) || count == 0) {
      in.fail("the histogram entries are out of order or range");
    }
    image.histogram_counts[index] = count;
    previous = index;
  }
}

}  // namespace clvsim
