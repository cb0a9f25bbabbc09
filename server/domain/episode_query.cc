#include "domain/episode_query.h"

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "domain/errors.h"
#include "domain/page_token.h"
#include "google/protobuf/util/time_util.h"
#include "podmeta/v1/resources.pb.h"

namespace podmeta::domain {
namespace {

constexpr size_t kMaxFilterBytes = 2048;
constexpr int kMaxDepth = 32;

struct Token {
  enum class Kind { kWord, kString, kOperator, kOpen, kClose, kMinus, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;
  size_t position = 0;  // 1-based
};

class FilterParser {
 public:
  explicit FilterParser(absl::string_view text) : text_(text) {}

  absl::StatusOr<std::optional<FilterNode>> Parse() {
    if (text_.size() > kMaxFilterBytes) return Error(1, absl::StrCat("is longer than ", kMaxFilterBytes, " bytes"));
    if (absl::Status tokenized = Tokenize(); !tokenized.ok()) return tokenized;
    if (tokens_.front().kind == Token::Kind::kEnd) return std::nullopt;
    absl::StatusOr<FilterNode> node = ParseAnd(0);
    if (!node.ok()) return node.status();
    if (Peek().kind != Token::Kind::kEnd) return Error(Peek().position, "unexpected " + Quoted(Peek().text));
    return std::optional<FilterNode>(*std::move(node));
  }

 private:
  static absl::Status Error(size_t position, absl::string_view description) {
    return InvalidField("filter", absl::StrCat("at position ", position, ": ", description));
  }

  absl::Status Tokenize() {
    size_t i = 0;
    while (i < text_.size()) {
      const char c = text_[i];
      const size_t position = i + 1;
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (c == '(' || c == ')') {
        tokens_.push_back({c == '(' ? Token::Kind::kOpen : Token::Kind::kClose, std::string(1, c), position});
        ++i;
      } else if (c == '"' || c == '\'') {
        std::string value;
        size_t k = i + 1;
        for (; k < text_.size() && text_[k] != c; ++k) {
          if (text_[k] == '\\' && k + 1 < text_.size()) ++k;
          value += text_[k];
        }
        if (k >= text_.size()) return Error(position, "string is not closed");
        tokens_.push_back({Token::Kind::kString, value, position});
        i = k + 1;
      } else if (c == '=' || c == ':' || c == '<' || c == '>' || c == '!') {
        std::string op(1, c);
        if (i + 1 < text_.size() && text_[i + 1] == '=' && c != '=' && c != ':') op += '=';
        if (op == "!") return Error(position, "\"!\" must be \"!=\"");
        tokens_.push_back({Token::Kind::kOperator, op, position});
        i += op.size();
      } else if (c == '-' && (i + 1 >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[i + 1])))) {
        tokens_.push_back({Token::Kind::kMinus, "-", position});
        ++i;
      } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.') {
        size_t k = i;
        while (k < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[k])) || text_[k] == '_' ||
                                    text_[k] == '-' || text_[k] == '.')) {
          ++k;
        }
        tokens_.push_back({Token::Kind::kWord, std::string(text_.substr(i, k - i)), position});
        i = k;
      } else {
        // Quote the whole character (up to four bytes of UTF-8), never part of one.
        size_t end = i + 1;
        while (end < text_.size() && end < i + 4 && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) ++end;
        return Error(position, absl::StrCat("unexpected character ", Quoted(text_.substr(i, end - i)),
                                            "; quote values that are not plain words"));
      }
    }
    tokens_.push_back({Token::Kind::kEnd, "end of filter", text_.size() + 1});
    return absl::OkStatus();
  }

  const Token& Peek() const { return tokens_[next_]; }
  const Token& Take() { return tokens_[next_++]; }
  bool PeekWord(absl::string_view word) const { return Peek().kind == Token::Kind::kWord && Peek().text == word; }

  static FilterNode Combine(FilterNode::Kind kind, FilterNode left, FilterNode right) {
    FilterNode node;
    node.kind = kind;
    node.children.push_back(std::move(left));
    node.children.push_back(std::move(right));
    return node;
  }

  absl::StatusOr<FilterNode> ParseAnd(int depth) {
    if (depth > kMaxDepth) return Error(Peek().position, "is nested too deeply");
    absl::StatusOr<FilterNode> left = ParseOr(depth);
    if (!left.ok()) return left;
    while (Peek().kind != Token::Kind::kEnd && Peek().kind != Token::Kind::kClose && !PeekWord("OR")) {
      if (PeekWord("AND")) Take();
      absl::StatusOr<FilterNode> right = ParseOr(depth);
      if (!right.ok()) return right;
      left = Combine(FilterNode::Kind::kAnd, *std::move(left), *std::move(right));
    }
    return left;
  }

  absl::StatusOr<FilterNode> ParseOr(int depth) {
    absl::StatusOr<FilterNode> left = ParseFactor(depth);
    if (!left.ok()) return left;
    while (PeekWord("OR")) {
      Take();
      absl::StatusOr<FilterNode> right = ParseFactor(depth);
      if (!right.ok()) return right;
      left = Combine(FilterNode::Kind::kOr, *std::move(left), *std::move(right));
    }
    return left;
  }

  absl::StatusOr<FilterNode> ParseFactor(int depth) {
    if (depth > kMaxDepth) return Error(Peek().position, "is nested too deeply");
    if (PeekWord("NOT") || Peek().kind == Token::Kind::kMinus) {
      Take();
      absl::StatusOr<FilterNode> inner = ParseFactor(depth + 1);
      if (!inner.ok()) return inner;
      FilterNode node;
      node.kind = FilterNode::Kind::kNot;
      node.children.push_back(*std::move(inner));
      return node;
    }
    if (Peek().kind == Token::Kind::kOpen) {
      const size_t open = Take().position;
      absl::StatusOr<FilterNode> inner = ParseAnd(depth + 1);
      if (!inner.ok()) return inner;
      if (Peek().kind != Token::Kind::kClose) {
        return Error(Peek().position, absl::StrCat("expected \")\" to close the \"(\" at position ", open));
      }
      Take();
      return inner;
    }
    return ParseComparison();
  }

  absl::StatusOr<FilterNode> ParseComparison() {
    const Token field_token = Take();
    if (field_token.kind != Token::Kind::kWord) {
      return Error(field_token.position,
                   "expected a field (publish_time, number, season, person or people.display_name, has_chapters, "
                   "type, guid)");
    }
    FilterNode node;
    if (field_token.text == "publish_time") {
      node.field = FilterField::kPublishTime;
    } else if (field_token.text == "number") {
      node.field = FilterField::kNumber;
    } else if (field_token.text == "person" || field_token.text == "people.display_name") {
      node.field = FilterField::kPerson;
    } else if (field_token.text == "has_chapters") {
      node.field = FilterField::kHasChapters;
    } else if (field_token.text == "type") {
      node.field = FilterField::kType;
    } else if (field_token.text == "season") {
      node.field = FilterField::kSeason;
    } else if (field_token.text == "guid") {
      node.field = FilterField::kGuid;
    } else {
      return Error(field_token.position, absl::StrCat("unknown field ", Quoted(field_token.text),
                                                      " (filterable: publish_time, number, season, person or "
                                                      "people.display_name, has_chapters, type, guid)"));
    }
    const Token op_token = Take();
    if (op_token.kind != Token::Kind::kOperator) {
      return Error(op_token.position, absl::StrCat("expected an operator after \"", field_token.text, "\""));
    }
    static const std::pair<const char*, FilterOperator> kOperators[] = {
        {"=", FilterOperator::kEqual},   {"!=", FilterOperator::kNotEqual},
        {"<", FilterOperator::kLess},    {"<=", FilterOperator::kLessOrEqual},
        {">", FilterOperator::kGreater}, {">=", FilterOperator::kGreaterOrEqual},
        {":", FilterOperator::kHas}};
    for (const auto& [text, op] : kOperators) {
      if (op_token.text == text) node.op = op;
    }
    const Token value = Take();
    if (value.kind != Token::Kind::kWord && value.kind != Token::Kind::kString) {
      return Error(value.position,
                   absl::StrCat("expected a value after \"", field_token.text, " ", op_token.text, "\""));
    }
    const bool ordering = node.op != FilterOperator::kEqual && node.op != FilterOperator::kNotEqual;
    switch (node.field) {
      case FilterField::kPublishTime: {
        google::protobuf::Timestamp time;
        if (!google::protobuf::util::TimeUtil::FromString(value.text, &time)) {
          return Error(value.position, "publish_time takes an RFC 3339 time, e.g. \"2024-05-01T00:00:00Z\"");
        }
        if (node.op == FilterOperator::kHas) return Error(op_token.position, "publish_time does not take \":\"");
        node.value = std::to_string(google::protobuf::util::TimeUtil::TimestampToMicroseconds(time));
        break;
      }
      case FilterField::kNumber:
      case FilterField::kSeason: {
        const std::string name = node.field == FilterField::kNumber ? "number" : "season";
        int32_t number = 0;
        if (value.kind != Token::Kind::kWord || !absl::SimpleAtoi(value.text, &number)) {
          return Error(value.position, name + " takes an integer");
        }
        if (node.op == FilterOperator::kHas) return Error(op_token.position, name + " does not take \":\"");
        node.value = std::to_string(number);
        break;
      }
      case FilterField::kGuid:
        if (ordering) return Error(op_token.position, "guid takes = or !=");
        node.value = value.text;
        break;
      case FilterField::kPerson:
        if (ordering && node.op != FilterOperator::kHas) {
          return Error(op_token.position, "person takes =, != or \":\" (part of a name)");
        }
        node.value = value.text;
        break;
      case FilterField::kHasChapters:
        if (ordering) return Error(op_token.position, "has_chapters takes = or !=");
        if (value.text != "true" && value.text != "false") {
          return Error(value.position, "has_chapters takes true or false");
        }
        node.value = value.text;
        break;
      case FilterField::kType: {
        if (ordering) return Error(op_token.position, "type takes = or !=");
        v1::Episode::Type type;
        if (!v1::Episode::Type_Parse(value.text, &type) || type == v1::Episode::TYPE_UNSPECIFIED) {
          return Error(value.position, "type takes FULL, TRAILER or BONUS");
        }
        node.value = std::to_string(static_cast<int>(type));
        break;
      }
    }
    return node;
  }

  absl::string_view text_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
};

}  // namespace

absl::StatusOr<std::optional<FilterNode>> ParseEpisodeFilter(absl::string_view filter) {
  return FilterParser(filter).Parse();
}

uint64_t EpisodeListFingerprint(absl::string_view parent, absl::string_view filter, absl::string_view order_by,
                                bool show_deleted) {
  return QueryFingerprint({"episodes", parent, filter, order_by, show_deleted ? "deleted" : ""});
}

std::string EncodeEpisodePageToken(uint64_t list_fingerprint, const EpisodePagePosition& position) {
  std::vector<std::string> keys = {position.sort_key, position.episode_id, std::to_string(position.total_size)};
  keys.insert(keys.end(), position.then_keys.begin(), position.then_keys.end());
  return EncodePageToken(list_fingerprint, keys);
}

absl::StatusOr<EpisodePagePosition> DecodeEpisodePageToken(absl::string_view token, uint64_t list_fingerprint) {
  auto keys = DecodePageToken(token, list_fingerprint);
  if (!keys.ok()) return keys.status();
  EpisodePagePosition position;
  if (keys->size() < 3 || keys->size() > 5 || !absl::SimpleAtoi((*keys)[2], &position.total_size) ||
      position.total_size < 0) {
    return InvalidField("page_token", "is not an episode page token", Reason::kInvalidPageToken);
  }
  position.sort_key = (*keys)[0];
  position.episode_id = (*keys)[1];
  position.then_keys.assign(keys->begin() + 3, keys->end());
  return position;
}

absl::StatusOr<EpisodeOrder> ParseEpisodeOrder(absl::string_view order_by) {
  EpisodeOrder order;
  if (absl::StripAsciiWhitespace(order_by).empty()) return order;
  const absl::Status invalid = InvalidField(
      "order_by",
      "must be one of publish_time, number, season or title, optionally followed by \"desc\", or up to three of "
      "them separated by commas (\"season desc, number desc\")");
  std::vector<OrderKey> keys;
  for (absl::string_view part : absl::StrSplit(order_by, ',')) {
    std::vector<absl::string_view> words = absl::StrSplit(part, ' ', absl::SkipEmpty());
    if (words.empty() || words.size() > 2 || (words.size() == 2 && words[1] != "desc" && words[1] != "asc")) {
      return invalid;
    }
    OrderKey key;
    if (words[0] == "publish_time") {
      key.field = OrderField::kPublishTime;
    } else if (words[0] == "number") {
      key.field = OrderField::kNumber;
    } else if (words[0] == "title") {
      key.field = OrderField::kTitle;
    } else if (words[0] == "season") {
      key.field = OrderField::kSeason;
    } else {
      return invalid;
    }
    key.descending = words.size() == 2 && words[1] == "desc";
    for (const OrderKey& earlier : keys) {
      if (earlier.field == key.field) return InvalidField("order_by", absl::StrCat("names ", words[0], " twice"));
    }
    keys.push_back(key);
  }
  if (keys.size() > 3) return invalid;
  order.field = keys.front().field;
  order.descending = keys.front().descending;
  order.then.assign(keys.begin() + 1, keys.end());
  return order;
}

std::string NormalizeSearchText(absl::string_view text) {
  std::vector<std::string> words;
  for (absl::string_view word : absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty())) {
    const size_t first = word.find_first_not_of('-');
    if (first == absl::string_view::npos) continue;  // minus signs alone
    words.push_back(absl::StrCat(first > 0 ? "-" : "", word.substr(first)));
  }
  return absl::StrJoin(words, " ");
}

}  // namespace podmeta::domain
