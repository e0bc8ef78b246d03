#include "customer_block.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

namespace clvsim {
namespace {

// Strategy-independent draws made once, when a customer is acquired.
struct CustomerDraws {
  double lifeline;  // U(0,1): the customer churns once its survival falls to it
  double theta;     // churn propensity
  double mu;        // personal mean revenue
};

CustomerDraws draw_customer(const SegmentPlan& segment, PrefilledWordEngine& setup) {
  CustomerDraws d;
  d.lifeline = uniform_open(setup());
  d.theta = segment.beta ? (*segment.beta)(setup) : segment.churn_p;
  d.mu = segment.heterogeneity
             ? (*segment.heterogeneity)(setup) * segment.heterogeneity_scale
             : segment.revenue_mean;
  return d;
}

// A bijection of 64-bit words (the splitmix64 finaliser): distinct inputs
// give distinct outputs, so tie-breaks never tie.
std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Codes a score so that a higher score gives a lower code, as unsigned
// integers compare. -0.0 is read as 0.0.
std::uint64_t descending_code(double score) {
  const auto bits = std::bit_cast<std::uint64_t>(score + 0.0);
  const std::uint64_t ascending = (bits >> 63) ? ~bits : bits | (std::uint64_t{1} << 63);
  return ~ascending;
}

}  // namespace

void CustomerBlock::Active::resize(int n) {
  for (auto* v : {&customer, &word[0], &word[1], &word[2], &word[3]}) v->resize(n);
  for (auto* v : {&start, &level}) v->resize(n);
  for (auto* v : {&lifeline, &theta, &mu, &survival, &discounted_revenue, &discounted_cost,
                  &last_revenue, &last_profit, &gamma, &revenue, &value}) {
    v->resize(n);
  }
  for (auto* v : {&initial, &treatment, &fast, &leaves}) v->resize(n);
}

void CustomerBlock::draw(const ModelPlan& plan, const SegmentPlan& segment,
                         const StreamKey& key, const CohortSchedule& schedule,
                         std::uint64_t first, std::uint64_t last) {
  plan_ = &plan;
  segment_ = &segment;
  key_ = &key;
  n_ = static_cast<int>(last - first);
  first_ = static_cast<std::uint32_t>(first);
  keep_ = false;
  customer_.resize(n_);
  start_.resize(n_);
  lifeline_.resize(n_);
  theta_.resize(n_);
  mu_.resize(n_);
  a_.resize(n_);
  setup_settled_.resize(n_);
  for (int g = 0; g < 3; ++g) {
    setup_gamma_[g].resize(n_);
    setup_fast_[g].resize(n_);
  }
  // Everything that identifies the replication goes into the salt, so the
  // tie order is a fresh random permutation in each one.
  tie_salt_ = mix64(plan.seed ^ mix64((std::uint64_t{key.replication()} << 32) | 0x5EEDu));

  const auto& starts = schedule.first_index;
  int start = static_cast<int>(std::upper_bound(starts.begin(), starts.end(), first) -
                               starts.begin() - 1);
  for (int i = 0; i < n_; ++i) {
    const std::uint64_t index = first + static_cast<std::uint64_t>(i);
    while (index >= starts[start + 1]) ++start;
    customer_[i] = static_cast<std::uint32_t>(index);
    start_[i] = start;
  }
  // The first setup blocks are made for the whole block of customers at
  // once (vectorised Philox); rejections beyond them draw one by one.
  const int prefilled = segment.setup_blocks;
  const std::uint32_t* setup_words[4 * kMaxSetupBlocks];
  for (int b = 0; b < prefilled; ++b) {
    std::uint32_t* out[4];
    for (int k = 0; k < 4; ++k) {
      setup_word_[4 * b + k].resize(n_);
      out[k] = setup_word_[4 * b + k].data();
      setup_words[4 * b + k] = out[k];
    }
    key.blocks(customer_.data(), n_, 0, Purpose::kSetup, static_cast<std::uint32_t>(b), out);
  }
  unsigned char* settled = setup_settled_.data();
  std::fill_n(settled, n_, 0);
  draw_settled(setup_words, prefilled);
  for (int i = 0; i < n_; ++i) {
    if (settled[i]) continue;
    PrefilledWordEngine setup(setup_words, prefilled, i, key, customer_[i], 0,
                              Purpose::kSetup);
    const CustomerDraws d = draw_customer(segment, setup);
    lifeline_[i] = d.lifeline;
    theta_[i] = d.theta;
    mu_[i] = d.mu;
  }
}

namespace {

// An engine that serves one given word: a gamma draw's boost from the word a
// PrefilledWordEngine would serve there.
struct OneWord {
  std::uint64_t word;
  std::uint64_t operator()() const { return word; }
};

}  // namespace

// draw_customer() for every customer whose gamma draws all settle on the
// fast path, from the same words at the same positions (no rejection moves
// them), with the fast path run over the whole block at once: one by one it
// was most of draw()'s time. Marks them in setup_settled_; draw_customer()
// does the rest.
void CustomerBlock::draw_settled(const std::uint32_t* const* words, int prefilled) {
  const SegmentPlan& segment = *segment_;
  if (segment.beta && segment.beta->log_space()) return;
  // Word j (64 bits) of a customer: low half in words[4 (j / 2) + 2 (j % 2)],
  // high half in the next array, as PrefilledWordEngine reads them.
  const auto half = [&](int j, int high) { return words[4 * (j / 2) + 2 * (j % 2) + high]; };
  const auto word = [&](int j, int i) {
    return static_cast<std::uint64_t>(half(j, 0)[i]) |
           (static_cast<std::uint64_t>(half(j, 1)[i]) << 32);
  };
  // Gamma draws in stream order: value and layer from word pos, uniform
  // from the high half of pos + 1, the boost (if any) from pos + 2.
  const GammaSampler* sampler[3];
  int position[3];
  int gammas = 0, next = 1;  // word 0 is the lifeline
  const auto add = [&](const GammaSampler& g) {
    sampler[gammas] = &g;
    position[gammas++] = next;
    next += 2 + g.boosted();
  };
  if (segment.beta) {
    add(segment.beta->alpha_gamma());
    add(segment.beta->beta_gamma());
  }
  if (segment.heterogeneity) add(*segment.heterogeneity);
  if (next > 2 * prefilled) return;
  for (int g = 0; g < gammas; ++g) {
    const int p = position[g];
    sampler[g]->try_fast_many(half(p, 0), half(p, 1), half(p + 1, 1), n_,
                              setup_gamma_[g].data(), setup_fast_[g].data());
  }
  for (int i = 0; i < n_; ++i) {
    bool fast = true;
    for (int g = 0; g < gammas; ++g) fast = fast && setup_fast_[g][i];
    if (!fast) continue;
    double draw[3];
    for (int g = 0; g < gammas; ++g) {
      draw[g] = setup_gamma_[g][i];
      if (!sampler[g]->boosted()) continue;  // no word at pos + 2 to read
      OneWord boost_word{word(position[g] + 2, i)};
      draw[g] = sampler[g]->boost(draw[g], boost_word);
    }
    lifeline_[i] = uniform_open(word(0, i));
    theta_[i] = segment.beta ? BetaSampler::from_gammas(draw[0], draw[1]) : segment.churn_p;
    mu_[i] = segment.heterogeneity ? draw[gammas - 1] * segment.heterogeneity_scale
                                   : segment.revenue_mean;
    setup_settled_[i] = 1;
  }
}

void CustomerBlock::release_draw_buffers() {
  for (auto& words : setup_word_) std::vector<std::uint32_t>().swap(words);
  for (auto& draws : setup_gamma_) std::vector<double>().swap(draws);
  for (auto& flags : setup_fast_) std::vector<unsigned char>().swap(flags);
  std::vector<unsigned char>().swap(setup_settled_);
}

void CustomerBlock::keep_period_draws() {
  keep_ = true;
  made_until_.assign(start_.begin(), start_.end());
  const auto cells = static_cast<std::size_t>(n_) * static_cast<std::size_t>(plan_->horizon);
  kept_gamma_.resize(segment_->noise ? cells : 0);
  kept_word_.resize(plan_->ladder_moves ? cells : 0);
  for (auto* v : {&missing_, &missing_word_}) v->resize(n_);
  missing_slot_.resize(n_);
  missing_gamma_.resize(n_);
  passes_ = 0;
}

void CustomerBlock::begin_strategy() {
  first_pass_ = keep_ && passes_++ == 0;
  m_ = 0;
  m_initial_ = 0;
  next_ = 0;
}

int CustomerBlock::next_arrival() const {
  return next_ < n_ ? start_[next_] : plan_->horizon;
}

void CustomerBlock::admit(int t) {
  for (; next_ < n_ && start_[next_] == t; ++next_, ++m_) {
    a_.customer[m_] = customer_[next_];
    a_.start[m_] = t;
    a_.initial[m_] = t == 0;
    m_initial_ += t == 0;
    a_.lifeline[m_] = lifeline_[next_];
    a_.theta[m_] = theta_[next_];
    a_.mu[m_] = mu_[next_];
    a_.survival[m_] = 1.0;
    a_.discounted_revenue[m_] = 0.0;
    a_.discounted_cost[m_] = 0.0;
    a_.last_revenue[m_] = 0.0;
    a_.last_profit[m_] = 0.0;
    a_.level[m_] = plan_->start_level;
  }
}

double CustomerBlock::value_so_far(int k, int t) const {
  return discounted_profit(*plan_, *segment_, a_.discounted_revenue[k],
                           a_.discounted_cost[k], a_.start[k], t);
}

void CustomerBlock::decide(int s, int t) {
  // Customer by customer, rules in order, stopping at the first match: a
  // rule-major pass without branches measured slower (strategy_cost), as
  // GCC 12 does not vectorise the mixed int/double tests.
  const std::vector<RulePlan>& rules = segment_->rules[s];
  for (int k = 0; k < m_; ++k) {
    const int tenure = t - a_.start[k];
    const int level = a_.level[k];
    const bool has_last = tenure > 0;
    const double value = a_.value[k] = value_so_far(k, t);
    const double last_revenue = a_.last_revenue[k];
    const double last_profit = a_.last_profit[k];
    int treatment = 0;  // "none" when no rule matches
    for (const RulePlan& r : rules) {
      if (level >= r.level_min && level <= r.level_max && tenure >= r.tenure_min &&
          tenure <= r.tenure_max && (has_last || !r.needs_last) &&
          last_revenue >= r.last_revenue_min && last_revenue <= r.last_revenue_max &&
          last_profit >= r.last_profit_min && last_profit <= r.last_profit_max &&
          value >= r.value_min && value <= r.value_max) {
        treatment = r.treatment;
        break;
      }
    }
    a_.treatment[k] = static_cast<unsigned char>(treatment);
  }
}

void CustomerBlock::find_budget_candidates(ValueScore score) {
  candidate_slot_.clear();
  candidate_.clear();
  const std::uint64_t segment_bits = std::uint64_t{segment_->index} << 32;
  for (int k = 0; k < m_; ++k) {
    const double cost = segment_->effect_of_treatment[a_.treatment[k]].cost;
    if (!(cost > 0)) continue;  // free treatments never strain the budget
    double value = 0;
    switch (score) {
      case ValueScore::value_so_far: value = a_.value[k]; break;  // from decide()
      case ValueScore::last_revenue: value = a_.last_revenue[k]; break;
      case ValueScore::last_profit: value = a_.last_profit[k]; break;
    }
    candidate_slot_.push_back(k);
    candidate_.push_back({descending_code(value),
                          mix64((segment_bits | a_.customer[k]) ^ tie_salt_), cost});
  }
}

void CustomerBlock::apply_budget(const BudgetCandidate* first_unserved, int t,
                                 CohortTally& tally, int row) {
  if (first_unserved == nullptr) return;
  int denied[kCohorts] = {0, 0};
  for (std::size_t i = 0; i < candidate_.size(); ++i) {
    if (ranked_before(candidate_[i], *first_unserved)) continue;
    const int k = candidate_slot_[i];
    a_.treatment[k] = 0;
    ++denied[a_.initial[k] ? kInitialCohort : kAcquiredCohort];
  }
  for (int c = 0; c < kCohorts; ++c) tally.row(row, c)[t * kTallyFields + kDenied] += denied[c];
}

void CustomerBlock::record_clv(int k, int end, ClvHistogram& histogram) const {
  if (a_.initial[k]) histogram.add(value_so_far(k, end));
}

void CustomerBlock::finish(ClvHistogram& histogram) {
  for (int k = 0; k < m_; ++k) record_clv(k, plan_->horizon, histogram);
}

void finish_tally(const ModelPlan& plan, const SegmentPlan& segment, CohortTally& tally) {
  for (int s = 0; s < plan.strategies; ++s) {
    for (int c = 0; c < kCohorts; ++c) {
      double* row = tally.row(s, c);
      for (int t = 0; t < plan.horizon; ++t) {
        double* cell = row + t * kTallyFields;
        cell[kProfit] = cell[kRevenue] * segment.margin -
                        segment.cost_to_serve * cell[kActive] - cell[kTreatmentCost];
      }
    }
  }
}

CohortSchedule draw_cohort_schedule(const ModelPlan& plan, const SegmentPlan& segment,
                                    const StreamKey& key) {
  CohortSchedule schedule;
  schedule.first_index.resize(plan.horizon + 1);
  schedule.first_index[0] = 0;
  std::uint64_t next = segment.initial_customers;
  for (int t = 1; t <= plan.horizon; ++t) {
    schedule.first_index[t] = next;
    if (t == plan.horizon) break;
    if (segment.acquisition_poisson) {
      WordEngine engine(key, kCohortIndex, t, Purpose::kAcquisition);
      next += poisson_count(segment.acquisition_per_period, engine);
    } else {
      next += static_cast<std::uint64_t>(segment.acquisition_per_period);
    }
  }
  // The loader bounds the expected cohort well below the index space; a
  // Poisson tail that still reaches it is refused rather than wrapped.
  if (next >= kMaxCustomersPerSegment) {
    throw std::runtime_error("cohort exceeds the customer index space");
  }
  return schedule;
}

}  // namespace clvsim
