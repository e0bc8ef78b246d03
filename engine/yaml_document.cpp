// Reading a scenario file and parsing it as one YAML mapping, with the
// guards yaml-cpp 0.7 needs against hostile text.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "yaml_checked.hpp"

namespace clvsim {

namespace {

// yaml-cpp 0.7's LoadAll loops forever, allocating, on some invalid text
// (a stray ',' before a mapping: jbeder/yaml-cpp#1040, fixed upstream in
// PR #1319, not in Debian 12), by reporting an endless run of empty
// documents. Found by fuzzing (tests/fuzz). A first pass over the events
// stops at the first document past kMaxDocuments, so LoadAll only ever sees
// text it finishes.
class DocumentCounter : public YAML::EventHandler {
 public:
  static constexpr int kMaxDocuments = 8;
  explicit DocumentCounter(const std::string& file) : file_(file) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > kMaxDocuments) {
      throw InputError(file_, to_source_mark(mark), "",
                       "invalid YAML: more than " + std::to_string(kMaxDocuments) +
                           " documents (is there a stray ',' or other indicator "
                           "outside brackets?)",
                       "one scenario per file");
    }
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  const std::string& file_;
  int documents_ = 0;
};

}  // namespace

YAML::Node parse_yaml_mapping(const std::string& text, const std::string& file) {
  std::vector<YAML::Node> docs;
  try {
    {
      std::istringstream in(text);
      YAML::Parser parser(in);
      DocumentCounter counter(file);
      while (parser.HandleNextDocument(counter)) {
      }
    }
    docs = YAML::LoadAll(text);
  } catch (const YAML::DeepRecursion& e) {
    throw InputError(file, to_source_mark(e.mark), "",
                     "invalid YAML: lists or mappings nested more than " +
                         std::to_string(e.depth() - 1) + " levels deep",
                     "a scenario nested a few levels deep");
  } catch (const YAML::Exception& e) {
    throw InputError(file, to_source_mark(e.mark), "", "invalid YAML: " + e.msg,
                     "valid YAML syntax");
  }
  if (docs.empty() || docs[0].IsNull()) {
    throw InputError(file, {1, 1}, "", "the scenario is empty",
                     "a mapping with at least name, horizon and segments");
  }
  for (std::size_t i = 1; i < docs.size(); ++i) {
    if (!docs[i].IsNull()) {
      throw InputError(file, to_source_mark(docs[i].Mark()), "",
                       "a second YAML document follows the scenario",
                       "one scenario per file");
    }
  }
  if (!docs[0].IsMap()) {
    throw InputError(file, to_source_mark(docs[0].Mark()), "",
                     "the top level is not a mapping",
                     "keys such as name, horizon and segments");
  }
  return docs[0];
}

std::string read_input_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(path, {}, "", "is a directory, not a scenario file",
                     "a YAML file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path, {}, "",
                     std::string("cannot open the file: ") + std::strerror(errno),
                     "a readable YAML file");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw InputError(path, {}, "", "cannot read the file", "a readable YAML file");
  }
  return text.str();
}

}  // namespace clvsim
