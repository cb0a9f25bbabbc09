#include "storage/episode_filter_sql.h"

#include "absl/strings/str_cat.h"

namespace podmeta::storage {
namespace {

using domain::FilterField;
using domain::FilterNode;
using domain::FilterOperator;

std::string Parameter(std::vector<std::string>& params, std::string value) {
  params.push_back(std::move(value));
  return absl::StrCat("$", params.size());
}

const char* SqlOperator(FilterOperator op) {
  switch (op) {
    case FilterOperator::kEqual:
      return "=";
    case FilterOperator::kNotEqual:
      return "<>";
    case FilterOperator::kLess:
      return "<";
    case FilterOperator::kLessOrEqual:
      return "<=";
    case FilterOperator::kGreater:
      return ">";
    case FilterOperator::kGreaterOrEqual:
      return ">=";
    case FilterOperator::kHas:
      break;
  }
  return "=";
}

std::string ComparisonSql(const FilterNode& node, std::vector<std::string>& params) {
  switch (node.field) {
    case FilterField::kPublishTime:
      return absl::StrCat("e.publish_time ", SqlOperator(node.op), " (timestamptz 'epoch' + ",
                          Parameter(params, node.value), "::bigint * interval '1 microsecond')");
    case FilterField::kNumber:
      return absl::StrCat("e.number ", SqlOperator(node.op), " ", Parameter(params, node.value), "::integer");
    case FilterField::kSeason:
      return absl::StrCat("e.season ", SqlOperator(node.op), " ", Parameter(params, node.value), "::integer");
    case FilterField::kGuid:
      return absl::StrCat("e.guid ", SqlOperator(node.op), " ", Parameter(params, node.value), "::text");
    case FilterField::kType:
      // TYPE_UNSPECIFIED counts as FULL.
      return absl::StrCat("(CASE WHEN e.episode_type = 0 THEN 1 ELSE e.episode_type END) ", SqlOperator(node.op), " ",
                          Parameter(params, node.value), "::smallint");
    case FilterField::kHasChapters: {
      const bool wanted = (node.value == "true") == (node.op == FilterOperator::kEqual);
      return absl::StrCat(wanted ? "" : "NOT ",
                          "EXISTS (SELECT 1 FROM chapters c WHERE c.podcast_id = e.podcast_id"
                          " AND c.episode_id = e.episode_id)");
    }
    case FilterField::kPerson: {
      // Credited on the episode, or a host of its podcast (role HOST, or
      // unspecified, which on a podcast means host).
      const std::string value = Parameter(params, node.value);
      const std::string matches = node.op == FilterOperator::kHas
                                      ? absl::StrCat("strpos(lower(p->>'display_name'), lower(", value, "::text)) > 0")
                                      : absl::StrCat("p->>'display_name' = ", value, "::text");
      return absl::StrCat(
          node.op == FilterOperator::kNotEqual ? "NOT " : "",
          "(EXISTS (SELECT 1 FROM jsonb_array_elements(e.people) p WHERE ", matches,
          ") OR EXISTS (SELECT 1 FROM podcasts pc, jsonb_array_elements(pc.people) p WHERE pc.podcast_id = "
          "e.podcast_id AND coalesce((p->>'role')::int, 0) IN (0, 1) AND ",
          matches, "))");
    }
  }
  return "false";
}

}  // namespace

std::string FilterSql(const FilterNode& filter, std::vector<std::string>& params) {
  switch (filter.kind) {
    case FilterNode::Kind::kAnd:
      return absl::StrCat("(", FilterSql(filter.children[0], params), " AND ", FilterSql(filter.children[1], params),
                          ")");
    case FilterNode::Kind::kOr:
      return absl::StrCat("(", FilterSql(filter.children[0], params), " OR ", FilterSql(filter.children[1], params),
                          ")");
    case FilterNode::Kind::kNot:
      // coalesce: NOT of a comparison with a missing number is true, not unknown.
      return absl::StrCat("NOT coalesce(", FilterSql(filter.children[0], params), ", false)");
    case FilterNode::Kind::kComparison:
      return ComparisonSql(filter, params);
  }
  return "false";
}

std::string SortKeySql(domain::OrderField field) {
  switch (field) {
    case domain::OrderField::kNumber:
      return "coalesce(e.number, -1)";
    case domain::OrderField::kSeason:
      return "coalesce(e.season, -1)";
    case domain::OrderField::kTitle:
      return "e.title";
    case domain::OrderField::kPublishTime:
      break;
  }
  return "e.publish_time";
}

std::string SortKeyParameterSql(domain::OrderField field, size_t parameter) {
  switch (field) {
    case domain::OrderField::kNumber:
    case domain::OrderField::kSeason:
      return absl::StrCat("$", parameter, "::integer");
    case domain::OrderField::kTitle:
      return absl::StrCat("$", parameter, "::text");
    case domain::OrderField::kPublishTime:
      break;
  }
  return absl::StrCat("(timestamptz 'epoch' + $", parameter, "::bigint * interval '1 microsecond')");
}

}  // namespace podmeta::storage
