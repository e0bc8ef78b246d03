#include "cohort_kernel.hpp"

namespace clvsim {

void simulate_customers(const ModelPlan& plan, const SegmentPlan& segment,
                        const StreamKey& key, const CohortSchedule& schedule,
                        std::uint64_t first, std::uint64_t last, CohortTally& tally,
                        ClvHistogram* histograms, CustomerBlock& block) {
  block.draw(plan, segment, key, schedule, first, last);
  for (int s = 0; s < plan.strategies; ++s) {
    if (plan.budget[s]) continue;
    const int fixed = segment.fixed_treatment[s];
    block.begin_strategy();
    for (int t = block.next_arrival(); t < plan.horizon;) {
      block.admit(t);
      if (fixed < 0) block.decide(s, t);
      block.step(t, fixed, tally, s, histograms[s]);
      // With nobody left, skip to the next arrival.
      t = block.active() > 0 ? t + 1 : block.next_arrival();
    }
    block.finish(histograms[s]);
  }
}

}  // namespace clvsim
