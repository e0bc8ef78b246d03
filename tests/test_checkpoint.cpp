// Checkpoints: the file format survives a round trip and refuses every
// damaged copy; a Simulation restored from an image continues bit for bit;
// a checkpoint of another scenario, plan or size is refused.
#include "clvsim/checkpoint.hpp"

#include <gtest/gtest.h>

#include <oneapi/tbb/task_arena.h>

#include <bit>
#include <filesystem>

#include "clvsim/error.hpp"
#include "clvsim/outputs.hpp"
#include "clvsim/precision.hpp"
#include "cli_harness.hpp"
#include "scenario_fixtures.hpp"

namespace clvsim {
namespace {

// Segments, total, a paired comparison and CLV histograms all in the state.
Scenario busy_scenario() { return testing::two_strategies("checkpoint", 4242); }

SimulationImage image_after(const Scenario& s, std::uint32_t replications) {
  tbb::task_arena arena(2);
  return arena.execute([&] {
    Simulation simulation(s);
    simulation.add_replications(replications);
    return simulation.image();
  });
}

TEST(Checkpoint, RestoredSimulationContinuesBitForBit) {
  const Scenario s = busy_scenario();
  const SimulationImage saved = image_after(s, 5);
  tbb::task_arena arena(2);
  const Results resumed = arena.execute([&] {
    Simulation simulation(s);
    simulation.restore(saved);
    EXPECT_EQ(simulation.replications(), 5u);
    simulation.add_replications(7);
    return simulation.results();
  });
  Scenario straight = s;
  straight.simulation.replications = 12;
  const Results expected = run_simulation(straight, {.threads = 1});
  EXPECT_EQ(summary_json(resumed), summary_json(expected));
  EXPECT_EQ(periods_csv(resumed), periods_csv(expected));
}

TEST(Checkpoint, FileRoundTripKeepsEveryBit) {
  const Scenario s = busy_scenario();
  const SimulationImage image = image_after(s, 3);
  const CheckpointHeader header = checkpoint_header(s, "fixed");
  CheckpointHeader read_header;
  SimulationImage read;
  decode_checkpoint(encode_checkpoint(header, image), "ck", read_header, read);
  EXPECT_EQ(read_header.version, header.version);
  EXPECT_EQ(read_header.plan, "fixed");
  EXPECT_EQ(read_header.scenario, header.scenario);
  EXPECT_EQ(read.replications, 3u);
  ASSERT_EQ(read.results_state.size(), image.results_state.size());
  for (std::size_t i = 0; i < image.results_state.size(); ++i) {
    // NaN-safe bitwise comparison.
    EXPECT_EQ(std::bit_cast<std::uint64_t>(read.results_state[i]),
              std::bit_cast<std::uint64_t>(image.results_state[i]));
  }
  EXPECT_EQ(read.active_customer_periods, image.active_customer_periods);
  EXPECT_EQ(read.histogram_counts, image.histogram_counts);
}

TEST(Checkpoint, EveryTruncationAndSampledBitFlipIsRefused) {
  const Scenario s = busy_scenario();
  const std::string bytes = encode_checkpoint(checkpoint_header(s, "fixed"), image_after(s, 2));
  CheckpointHeader h;
  SimulationImage image;
  int refused = 0;
  for (std::size_t length = 0; length < bytes.size(); length += 1 + length / 16) {
    EXPECT_THROW(decode_checkpoint(bytes.substr(0, length), "ck", h, image), InputError) << length;
    ++refused;
  }
  for (std::size_t at = 0; at < bytes.size(); at += 97) {
    std::string damaged = bytes;
    damaged[at] ^= 0x10;
    EXPECT_THROW(decode_checkpoint(damaged, "ck", h, image), InputError) << at;
    ++refused;
  }
  EXPECT_THROW(decode_checkpoint(bytes + "x", "ck", h, image), InputError);
  EXPECT_GT(refused, 100);
}

// A checkpoint of `s` after 4 replications, written where Checkpoint finds it.
std::filesystem::path saved_checkpoint(const testing::TempDir& dir, const Scenario& s,
                                       const std::string& plan) {
  const std::filesystem::path path = dir.path() / "ck";
  write_file_atomically(path, encode_checkpoint(checkpoint_header(s, plan), image_after(s, 4)));
  return path;
}

std::string refusal(const std::filesystem::path& path, const Scenario& s, const std::string& plan,
                    std::uint32_t max_replications) {
  Checkpoint checkpoint(path, 60);
  const auto alone = single_process();
  try {
    checkpoint.resume(*alone, s, plan, max_replications);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Checkpoint, ResumeRefusesAnotherScenarioPlanOrSize) {
  testing::TempDir dir;
  const Scenario s = busy_scenario();
  const auto path = saved_checkpoint(dir, s, "fixed");
  EXPECT_EQ(refusal(path, s, "fixed", 4), "");
  EXPECT_EQ(refusal(path, s, "fixed", 400), "");

  Scenario other_seed = s;
  other_seed.simulation.seed = 4243;
  EXPECT_NE(refusal(path, other_seed, "fixed", 8).find("seed: 4243' now, '  seed: 4242'"),
            std::string::npos)
      << refusal(path, other_seed, "fixed", 8);
  Scenario other_value = s;
  other_value.segments[1].revenue.mean = 91.0;
  EXPECT_NE(refusal(path, other_value, "fixed", 8).find("different scenario"), std::string::npos);
  EXPECT_NE(refusal(path, s, "precision 1% batch 8", 8).find("'fixed'"), std::string::npos);
  EXPECT_NE(refusal(path, s, "fixed", 3).find("holds 4 replications"), std::string::npos);
}

TEST(Checkpoint, NoFileMeansAFreshStart) {
  testing::TempDir dir;
  Checkpoint checkpoint(dir.path() / "absent", 60);
  const auto alone = single_process();
  EXPECT_FALSE(checkpoint.resume(*alone, busy_scenario(), "fixed", 10).has_value());
}

TEST(Checkpoint, CheckpointedRunsEqualStraightRunsAndResume) {
  testing::TempDir dir;
  Scenario s = busy_scenario();
  s.simulation.replications = 9;
  const Results straight = run_simulation(s, {.threads = 2});

  // Saved after every chunk: the file ends holding the finished run.
  Checkpoint first(dir.path() / "ck", 0);
  const Results checkpointed = run_simulation(s, {.threads = 2, .checkpoint = &first});
  EXPECT_EQ(summary_json(checkpointed), summary_json(straight));

  // Extending the finished run to 13 replications resumes from its 9.
  s.simulation.replications = 13;
  Checkpoint second(dir.path() / "ck", 0);
  const Results extended = run_simulation(s, {.threads = 1, .checkpoint = &second});
  EXPECT_EQ(second.resumed_replications(), 9u);
  EXPECT_EQ(summary_json(extended), summary_json(run_simulation(s, {.threads = 2})));
  EXPECT_EQ(periods_csv(extended), periods_csv(run_simulation(s, {.threads = 2})));
}

TEST(Checkpoint, PrecisionRunResumesAtABatchAndStopsWhereAStraightOneDoes) {
  testing::TempDir dir;
  const Scenario s = busy_scenario();
  PrecisionTarget target;
  target.half_width = 0.01;
  target.relative = true;
  target.text = "1%";
  target.batch = 3;
  const Results straight = run_to_precision(s, {.threads = 2}, target);
  ASSERT_GT(straight.replications, 2 * target.batch) << "target too loose to test a resume";

  // A checkpoint from a run cut short at its second batch...
  PrecisionTarget cut = target;
  cut.max_replications = 2 * target.batch;
  {
    Checkpoint early(dir.path() / "ck", 0);
    run_to_precision(s, {.threads = 2, .checkpoint = &early}, cut);
  }
  // ...is another plan (max differs), so it is refused, not mixed:
  Checkpoint refused(dir.path() / "ck", 0);
  EXPECT_THROW(run_to_precision(s, {.threads = 2, .checkpoint = &refused}, target), InputError);

  // The same plan, saved at batch ends and resumed, stops where a straight run does.
  std::filesystem::remove(dir.path() / "ck");
  {
    target.max_replications = straight.replications;  // the run's whole plan
    Checkpoint whole(dir.path() / "ck", 0);
    const Results once = run_to_precision(s, {.threads = 2, .checkpoint = &whole}, target);
    EXPECT_EQ(summary_json(once), summary_json(straight));
  }
  Checkpoint again(dir.path() / "ck", 0);
  const Results resumed = run_to_precision(s, {.threads = 1, .checkpoint = &again}, target);
  EXPECT_EQ(again.resumed_replications(), straight.replications);
  EXPECT_EQ(summary_json(resumed), summary_json(straight));
}

}  // namespace
}  // namespace clvsim
