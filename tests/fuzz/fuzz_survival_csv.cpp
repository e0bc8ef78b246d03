// libFuzzer target: the retention CSV of `clvsim fit sbg`.
//
// Contract checked: read_survival_table's parser answers any text with a
// table or an InputError; a table it accepts satisfies everything fit_sbg
// requires, so fitting it never throws, and the fit's survival and DEL are
// finite wherever the fit converged.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "clvsim/error.hpp"
#include "clvsim/sbg_fit.hpp"
#include "clvsim/survival_table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte chooses counts or percents of a cohort size.
  clvsim::SurvivalTableOptions options;
  options.cohort_size = data[0] % 2 == 0 ? 0 : 1000;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  clvsim::SurvivalTable table;
  try {
    table = clvsim::parse_survival_table(text, "fuzz.csv", options);
  } catch (const clvsim::InputError&) {
    return 0;
  }
  const auto cohorts = clvsim::sbg_cohorts_through(table, table.periods - 1);
  if (cohorts.empty()) return 0;
  const clvsim::SbgFit fit = clvsim::fit_sbg(cohorts);  // must not throw
  if (fit.converged) {
    for (double s : clvsim::sbg_survival(fit.alpha, fit.beta, 24)) {
      if (!std::isfinite(s)) std::abort();
    }
  }
  return 0;
}
