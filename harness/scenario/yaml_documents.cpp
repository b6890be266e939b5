#include "scenario/yaml_documents.hpp"

#include <sstream>
#include <vector>

#include <yaml-cpp/eventhandler.h>

namespace sockgrade::scenario::detail {

namespace {

// Notes where each document starts; ignores everything else.
class DocumentStarts : public YAML::EventHandler {
public:
    std::vector<YAML::Mark> starts;

    void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

// The character at `mark`, for "unexpected ','".
std::string character_at(const std::string& text, const YAML::Mark& mark) {
    if (mark.pos < 0 || std::size_t(mark.pos) >= text.size()) return "end of file";
    const unsigned char c = text[mark.pos];
    if (c < 0x20 || c >= 0x80) return "character";
    return "'" + std::string(1, char(c)) + "'";
}

}  // namespace

ParsedYaml parse_yaml(const std::string& text) {
    // A first pass over the events finds the documents; a parser that starts
    // a document where the previous one started has stopped making progress.
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    DocumentStarts documents;
    while (documents.starts.size() < 3 && parser.HandleNextDocument(documents)) {
        const auto& starts = documents.starts;
        if (starts.size() >= 2 && starts[starts.size() - 1].pos == starts[starts.size() - 2].pos) {
            throw YAML::ParserException(starts.back(), "unexpected " + character_at(text, starts.back()));
        }
    }
    ParsedYaml parsed;
    parsed.has_document = !documents.starts.empty();
    if (parsed.has_document) parsed.root = YAML::Load(text);
    if (documents.starts.size() >= 2) parsed.second_document = documents.starts[1];
    return parsed;
}

}  // namespace sockgrade::scenario::detail
