// Micro-benchmarks behind the engine's choices of generator and samplers.
//
// Each sampler is timed next to the Boost.Random distribution it replaces,
// in the same binary and the same run, because this machine is noisy: only
// the ratios between neighbouring lines are meaningful. Boost's
// distributions get a fast, non-keyed engine (xoshiro256++), so their
// figures are a best case for them; ours are also shown on the keyed Philox
// words the engine really uses, which include the cost of Philox itself.
//
// Every benchmark reports items_per_second: draws, Philox blocks, or for the
// kernel active customer-periods (ACP).
#include <benchmark/benchmark.h>

#include <boost/random/beta_distribution.hpp>
#include <boost/random/gamma_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "clv_histogram.hpp"
#include "cohort_kernel.hpp"
#include "cohort_tally.hpp"
#include "model_plan.hpp"
#include "normal_ziggurat.hpp"
#include "random_stream.hpp"
#include "reference_scenario.hpp"
#include "samplers.hpp"

namespace {

using clvsim::Purpose;
using clvsim::StreamKey;
using clvsim::WordEngine;

constexpr std::uint64_t kSeed = 20120806;
constexpr double kShape = 2.0;                    // gamma shape of the noise
constexpr double kAlpha = clvsim::bench::kSbgAlpha;  // sBG churn, Fader & Hardie
constexpr double kBeta = clvsim::bench::kSbgBeta;

// xoshiro256++ (Blackman & Vigna): about the fastest good 64-bit engine, so
// the Boost lines measure the distribution, not the generator.
class Xoshiro256pp {
 public:
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }

  explicit Xoshiro256pp(std::uint64_t seed) {
    for (auto& word : s_) {  // splitmix64, as the authors recommend
      seed += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }
  result_type operator()() {
    const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// ---- Random streams --------------------------------------------------------

// One keyed Philox4x32-10 call: the four 32-bit words of one customer-period.
void BM_PhiloxBlock(benchmark::State& state) {
  const StreamKey key(kSeed, 0, 0);
  std::uint32_t customer = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(key.block(customer++, 7, Purpose::kPeriod, 0));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("items = blocks of 4 x 32 bits");
}
BENCHMARK(BM_PhiloxBlock);

// The same blocks kBatch at a time in one loop, as a kernel fetching a chunk
// of a customer's periods does: the blocks are independent, so the compiler
// can overlap or vectorise their rounds (Philox is 32-bit multiplies and
// xors). The gap to the line above is the headroom of batching the random
// work; the words are bit-identical either way.
template <int kBatch>
void BM_PhiloxBlock_Batch(benchmark::State& state) {
  const StreamKey key(kSeed, 0, 0);
  std::uint32_t customer = 0;
  StreamKey::Block out[kBatch];
  for (auto _ : state) {
    for (int j = 0; j < kBatch; ++j) {
      out[j] = key.block(customer, 7 + j, Purpose::kPeriod, 0);
    }
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
    ++customer;
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.SetLabel("items = blocks of 4 x 32 bits");
}
BENCHMARK_TEMPLATE(BM_PhiloxBlock_Batch, 4);
BENCHMARK_TEMPLATE(BM_PhiloxBlock_Batch, 8);
BENCHMARK_TEMPLATE(BM_PhiloxBlock_Batch, 16);

// The kernel's way: one period's blocks for many active customers at once
// (StreamKey::blocks, AVX-512 when the build has it), into word arrays.
void BM_PhiloxBlocks_AcrossCustomers(benchmark::State& state) {
  const StreamKey key(kSeed, 0, 0);
  const int count = static_cast<int>(state.range(0));
  std::vector<std::uint32_t> customers(count), w0(count), w1(count), w2(count), w3(count);
  for (int i = 0; i < count; ++i) customers[i] = static_cast<std::uint32_t>(i);
  std::uint32_t* const out[4] = {w0.data(), w1.data(), w2.data(), w3.data()};
  std::uint32_t period = 0;
  for (auto _ : state) {
    key.blocks(customers.data(), count, period++, Purpose::kPeriod, 0, out);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * count);
  state.SetLabel("items = blocks of 4 x 32 bits");
}
BENCHMARK(BM_PhiloxBlocks_AcrossCustomers)->Arg(16)->Arg(1024);

// ---- Normal ----------------------------------------------------------------

void BM_BoostNormal_Xoshiro(benchmark::State& state) {
  Xoshiro256pp engine(kSeed);
  boost::random::normal_distribution<double> normal;
  for (auto _ : state) benchmark::DoNotOptimize(normal(engine));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BoostNormal_Xoshiro);

// The ziggurat on keyed words: a WordEngine per 1,024 draws, as a stream of
// one (customer, period, purpose) would be, well inside its 2^16 blocks.
void BM_BoostNormal_WordEngine(benchmark::State& state) {
  const StreamKey key(kSeed, 0, 0);
  boost::random::normal_distribution<double> normal;
  std::uint32_t customer = 0;
  for (auto _ : state) {
    WordEngine engine(key, customer++, 0, Purpose::kSetup);
    for (int i = 0; i < 1024; ++i) benchmark::DoNotOptimize(normal(engine));
  }
  state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_BoostNormal_WordEngine);

// The engine's own ziggurat (value and layer from separate 32-bit words), on
// the same keyed streams as the line above.
void BM_OurNormal_WordEngine(benchmark::State& state) {
  const StreamKey key(kSeed, 0, 0);
  const clvsim::ZigguratTables& tables = clvsim::ZigguratTables::get();
  std::uint32_t customer = 0;
  for (auto _ : state) {
    WordEngine engine(key, customer++, 0, Purpose::kSetup);
    for (int i = 0; i < 1024; ++i) {
      benchmark::DoNotOptimize(clvsim::ziggurat_normal(tables, engine));
    }
  }
  state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_OurNormal_WordEngine);

// ---- Gamma(2): one draw per active customer-period (revenue noise) ---------

void BM_BoostGamma2_Xoshiro(benchmark::State& state) {
  Xoshiro256pp engine(kSeed);
  boost::random::gamma_distribution<double> gamma(kShape);
  for (auto _ : state) benchmark::DoNotOptimize(gamma(engine));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BoostGamma2_Xoshiro);

// Ours, general path, same engine as the Boost line: the pure sampler ratio.
void BM_OurGamma2_Xoshiro(benchmark::State& state) {
  Xoshiro256pp engine(kSeed);
  const clvsim::GammaSampler gamma(kShape);
  for (auto _ : state) benchmark::DoNotOptimize(gamma(engine));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OurGamma2_Xoshiro);

// Ours, general path on a fresh keyed WordEngine per draw (Philox included).
void BM_OurGamma2_General_WordEngine(benchmark::State& state) {
  const StreamKey key(kSeed, 0, 0);
  const clvsim::GammaSampler gamma(kShape);
  std::uint32_t customer = 0;
  for (auto _ : state) {
    WordEngine engine(key, customer++, 3, Purpose::kPeriod);
    benchmark::DoNotOptimize(gamma(engine));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OurGamma2_General_WordEngine);

// Ours, the kernel's hot path: one Philox block per customer-period gives
// the normal's value and layer words and the acceptance uniform; rare extra
// words come from a lazily started kPeriodExtra stream. Philox included.
void BM_OurGamma2_HotPath_Philox(benchmark::State& state) {
  const StreamKey key(kSeed, 0, 0);
  const clvsim::GammaSampler gamma(kShape);
  std::uint32_t customer = 0;
  for (auto _ : state) {
    const StreamKey::Block b = key.block(customer, 3, Purpose::kPeriod, 0);
    WordEngine extra(key, customer, 3, Purpose::kPeriodExtra);
    benchmark::DoNotOptimize(gamma(b.v[0], b.v[1], b.v[2], extra));
    ++customer;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OurGamma2_HotPath_Philox);

// As the kernel does it for 8 periods of a customer at once: the 8 blocks,
// the straight-line first attempt (try_fast) over all 8, which vectorises,
// then the exact procedure for the ~10% it did not settle.
void BM_OurGamma2_Chunk8_Philox(benchmark::State& state) {
  constexpr int kChunk = 8;
  const StreamKey key(kSeed, 0, 0);
  const clvsim::GammaSampler gamma(kShape);
  std::uint32_t customer = 0;
  StreamKey::Block b[kChunk];
  double g[kChunk];
  bool ok[kChunk];
  for (auto _ : state) {
    for (int j = 0; j < kChunk; ++j) b[j] = key.block(customer, j, Purpose::kPeriod, 0);
    for (int j = 0; j < kChunk; ++j) ok[j] = gamma.try_fast(b[j].v[0], b[j].v[1], b[j].v[2], &g[j]);
    for (int j = 0; j < kChunk; ++j) {
      if (!ok[j]) {
        WordEngine extra(key, customer, j, Purpose::kPeriodExtra);
        g[j] = gamma.finish(b[j].v[0], b[j].v[1], b[j].v[2], extra);
      }
    }
    benchmark::DoNotOptimize(g);
    benchmark::ClobberMemory();
    ++customer;
  }
  state.SetItemsProcessed(state.iterations() * kChunk);
}
BENCHMARK(BM_OurGamma2_Chunk8_Philox);

// ---- Beta(0.668, 3.806): one draw per customer (sBG churn propensity) ------

void BM_BoostBeta_Xoshiro(benchmark::State& state) {
  Xoshiro256pp engine(kSeed);
  boost::random::beta_distribution<double> beta(kAlpha, kBeta);
  for (auto _ : state) benchmark::DoNotOptimize(beta(engine));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BoostBeta_Xoshiro);

void BM_OurBeta_Xoshiro(benchmark::State& state) {
  Xoshiro256pp engine(kSeed);
  const clvsim::BetaSampler beta(kAlpha, kBeta);
  for (auto _ : state) benchmark::DoNotOptimize(beta(engine));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OurBeta_Xoshiro);

// As the kernel draws it: a fresh keyed set-up stream per customer.
void BM_OurBeta_WordEngine(benchmark::State& state) {
  const StreamKey key(kSeed, 0, 0);
  const clvsim::BetaSampler beta(kAlpha, kBeta);
  std::uint32_t customer = 0;
  for (auto _ : state) {
    WordEngine engine(key, customer++, 0, Purpose::kSetup);
    benchmark::DoNotOptimize(beta(engine));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OurBeta_WordEngine);

// ---- The cohort kernel -----------------------------------------------------

// simulate_customers over successive blocks of 2,048 customers (the block
// size of run_simulation), single-threaded. Items are active
// customer-periods, read back from the kActive tally, so the figure is
// comparable with whole_run and the numpy baseline.
void BM_Kernel_sBG_Het_Noise(benchmark::State& state) {
  constexpr std::uint64_t kCustomers = 1000000, kBlock = 2048;
  const int horizon = static_cast<int>(state.range(0));
  const clvsim::Scenario scenario =
      clvsim::bench::reference_scenario(kCustomers, horizon, 1, kSeed);
  const clvsim::ModelPlan plan = clvsim::make_model_plan(scenario);
  const clvsim::SegmentPlan& segment = plan.segments[0];
  const StreamKey key(plan.seed, 0, segment.index);
  const clvsim::CohortSchedule schedule =
      clvsim::draw_cohort_schedule(plan, segment, key);
  clvsim::CohortTally tally(plan.strategies, plan.horizon);
  std::vector<clvsim::ClvHistogram> histograms(plan.strategies);
  clvsim::CustomerBlock scratch;

  std::uint64_t first = 0;
  for (auto _ : state) {
    const std::uint64_t last = std::min(first + kBlock, kCustomers);
    clvsim::simulate_customers(plan, segment, key, schedule, first, last, tally,
                               histograms.data(), scratch);
    first = last == kCustomers ? 0 : last;
  }
  clvsim::finish_tally(plan, segment, tally);  // raw sums -> per-period counts
  double acp = 0;
  for (int c = 0; c < clvsim::kCohorts; ++c) {
    for (int t = 0; t < plan.horizon; ++t) acp += tally.at(0, c, t, clvsim::kActive);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(acp));
  state.counters["ACP_per_customer"] = acp / static_cast<double>(
      state.iterations() * kBlock);  // approximate when a wrap cut a block
  state.SetLabel("items = active customer-periods");
}
BENCHMARK(BM_Kernel_sBG_Het_Noise)->Arg(60)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  // As LevelDB's db_bench does: numbers from an unoptimised or assertion-on
  // build mislead, so say so loudly before any of them.
#if !defined(__OPTIMIZE__)
  std::fprintf(stderr, "WARNING: Optimization is disabled: benchmarks unnecessarily slow\n");
#endif
#if !defined(NDEBUG)
  std::fprintf(stderr, "WARNING: Assertions are enabled (NDEBUG not defined): benchmarks unnecessarily slow\n");
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
#if defined(__OPTIMIZE__) && defined(NDEBUG)
  benchmark::AddCustomContext("clvsim_build", "optimised, NDEBUG");
#else
  benchmark::AddCustomContext("clvsim_build", "NOT optimised or assertions on");
#endif
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
