// Editing one value of a scenario file in place, keeping everything else.
//
// yaml-cpp cannot write comments back, so a scenario is never re-emitted:
// the value is located with yaml-cpp's marks and replaced as text, and every
// byte outside the replaced value stays as it was, comments included.
#pragma once

#include <string>

namespace clvsim {

// The churn value for sBG parameters as written into scenarios and shown
// to users: "{sbg: {alpha: 0.7036, beta: 1.1817}}". Each number has 4
// decimals, far below any standard error of a fit; 4 significant digits
// below 0.1 and 6 from 10^6 on (where only alpha / (alpha + beta) matters).
//
// REQUIRES: alpha, beta finite and > 0.
std::string sbg_churn_flow(double alpha, double beta);

// Returns `yaml_text` with the `churn:` value of the segment named `segment`
// replaced by sbg_churn_flow(alpha, beta) followed by `  # comment` (line
// breaks in `comment` become spaces). The old value may be written in block
// style over several lines or in flow style ({...}, possibly over several
// lines); all of it is replaced, including comments inside it and the
// comment ending its last line. Blank lines and comment lines after the old
// value that are not indented deeper than `churn:` are kept. A segment with
// no churn key gets one inserted on the line after its `name:`, at the same
// indentation. Line endings (LF or CRLF) follow the file.
//
// The result is checked with load_scenario_text and must give the segment
// exactly the printed alpha and beta.
//
// Throws InputError (with `file_name`) when the text is not YAML, has no
// `segments` list, has no segment of that name, the segment is written in
// flow style ({name: ..., ...}: only block-style segments can be edited
// without rewriting the line), or the patched scenario does not load (its
// error is reported at the line of the original file).
std::string set_segment_churn_sbg(const std::string& yaml_text,
                                  const std::string& file_name,
                                  const std::string& segment, double alpha,
                                  double beta, const std::string& comment);

// set_segment_churn_sbg on the file at `path`, written back with
// write_file_atomically: readers see the old file or the new one, never a
// mix, and on any error the file is left untouched. A symbolic link is
// followed, so the file it points to is edited; the new file gets default
// permissions (0666 less the umask).
//
// Throws InputError as above and when the file cannot be read (line 0);
// std::runtime_error when it cannot be written.
void write_segment_churn_sbg(const std::string& path, const std::string& segment,
                             double alpha, double beta,
                             const std::string& comment);

}  // namespace clvsim
