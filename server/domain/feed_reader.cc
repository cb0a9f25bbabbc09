// Reading feeds (feed.h) with libxml2 in recover mode. The text is first
// made well-formed where feeds commonly are not (entities, a late XML
// declaration), keeping every line where it was so problems name the lines
// the publisher sees.
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/sha.h>

#include <cmath>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/errors.h"
#include "domain/feed.h"
#include "domain/limits.h"
#include "domain/patterns.h"
#include "domain/validation.h"
#include "google/protobuf/util/time_util.h"

namespace podmeta::domain {
namespace {

using google::protobuf::util::TimeUtil;

// At most this many warnings of one kind are listed; the last one says how
// many more there were.
constexpr int kMaxWarningsPerKind = 5;

int LineAt(absl::string_view text, size_t offset) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\n'));
}

// Warnings of one kind, counted so a feed with ten thousand `&nbsp;` gets
// five lines and a count, not ten thousand lines.
class WarningList {
 public:
  explicit WarningList(std::vector<PageProblem>& out) : out_(out) {}
  void Add(const std::string& kind, int line, std::string description) {
    auto& [count, first_omitted_line] = counts_[kind];
    ++count;
    if (count <= kMaxWarningsPerKind) out_.push_back(PageProblem{line, std::move(description)});
    if (count == kMaxWarningsPerKind + 1) first_omitted_line = line;
  }
  void Finish() {
    std::stable_sort(out_.begin(), out_.end(),
                     [](const PageProblem& a, const PageProblem& b) { return a.line < b.line; });
    for (const auto& [kind, counted] : counts_) {
      const auto& [count, first_omitted_line] = counted;
      if (count > kMaxWarningsPerKind) {
        out_.push_back(PageProblem{
            first_omitted_line, absl::StrCat(count - kMaxWarningsPerKind, " more of: ", kind, ", from this line on")});
      }
    }
  }

 private:
  std::vector<PageProblem>& out_;
  std::map<std::string, std::pair<int, int>> counts_;  // kind → (count, first line not listed)
};

// The text with what XML does not allow but feeds contain made well-formed:
// HTML entities become their characters, a bare `&` becomes `&amp;`, and an
// XML declaration that does not come first is blanked out. Lines stay where
// they were. Entity declarations are refused by the parser itself
// (RefuseEntityDeclaration), after it has decoded the text: a scan of the raw
// bytes cannot see them in UTF-16 or EBCDIC.
struct PreparedText {
  std::string text;
  std::string encoding;  // from the XML declaration, if it names one
};

PreparedText Prepare(absl::string_view bytes, WarningList& warnings) {
  PreparedText prepared;
  if (absl::StartsWith(bytes, "\xEF\xBB\xBF")) bytes.remove_prefix(3);
  std::string& out = prepared.text;
  out.reserve(bytes.size() + bytes.size() / 64);
  bool seen_element = false;
  size_t i = 0;
  while (i < bytes.size()) {
    const char c = bytes[i];
    if (c == '<') {
      absl::string_view rest = bytes.substr(i);
      if (absl::StartsWith(rest, "<![CDATA[") || absl::StartsWith(rest, "<!--")) {
        const absl::string_view end = rest[3] == '[' ? "]]>" : "-->";
        size_t close = rest.find(end);
        size_t length = close == absl::string_view::npos ? rest.size() : close + end.size();
        out.append(rest.data(), length);
        i += length;
        continue;
      }
      if (absl::StartsWith(rest, "<?xml") && (rest.size() == 5 || absl::ascii_isspace(rest[5]))) {
        size_t close = rest.find("?>");
        size_t length = close == absl::string_view::npos ? rest.size() : close + 2;
        absl::string_view declaration = rest.substr(0, length);
        static const Pattern kEncoding(R"(encoding\s*=\s*["']([A-Za-z0-9._-]+)["'])");
        if (std::optional<PatternMatch> encoding = kEncoding.Search(declaration)) {
          prepared.encoding = absl::AsciiStrToUpper(encoding->view(1));
        }
        if (i == 0) {
          out.append(declaration.data(), declaration.size());
        } else {
          if (seen_element) {
            warnings.Add("XML declaration inside the document", LineAt(bytes, i),
                         "an XML declaration inside the document; ignored");
          } else {
            warnings.Add("XML declaration not at the start", LineAt(bytes, i),
                         absl::StrCat("the XML declaration is not at the start of the feed; read as if it were"));
          }
          for (char d : declaration) out += d == '\n' ? '\n' : ' ';
        }
        i += length;
        continue;
      }
      if (rest.size() > 1 && (absl::ascii_isalpha(rest[1]))) seen_element = true;
      out += c;
      ++i;
      continue;
    }
    if (c == '&') {
      absl::string_view rest = bytes.substr(i + 1, 40);
      size_t semicolon = rest.find(';');
      absl::string_view name = semicolon == absl::string_view::npos ? absl::string_view() : rest.substr(0, semicolon);
      const bool is_name = !name.empty() && std::all_of(name.begin(), name.end(),
                                                        [](char ch) { return absl::ascii_isalnum(ch) || ch == '#'; });
      if (is_name) {
        if (name[0] == '#') {
          out += '&';
          ++i;
          continue;
        }
        // The five XML entities as character references: libxml2's recover
        // mode drops named references after an earlier error.
        static const std::pair<absl::string_view, absl::string_view> kXmlEntities[] = {
            {"amp", "&#38;"}, {"lt", "&#60;"}, {"gt", "&#62;"}, {"quot", "&#34;"}, {"apos", "&#39;"}};
        bool predefined = false;
        for (const auto& [entity_name, reference] : kXmlEntities) {
          if (name == entity_name) {
            out.append(reference.data(), reference.size());
            i += name.size() + 2;
            predefined = true;
            break;
          }
        }
        if (predefined) continue;
        const std::string entity(name);
        if (const htmlEntityDesc* html = htmlEntityLookup(reinterpret_cast<const xmlChar*>(entity.c_str()))) {
          const int line = LineAt(bytes, i);
          warnings.Add("HTML entity that XML does not define", line,
                       absl::StrCat("&", entity, "; is not defined in XML; read as the HTML entity"));
          // As a character reference, so it stays right inside attributes.
          absl::StrAppend(&out, "&#", html->value, ";");
          i += name.size() + 2;
          continue;
        }
      }
      const int line = LineAt(bytes, i);
      warnings.Add("bare '&'", line, absl::StrCat("'&' starts no entity; read as a literal '&'"));
      out += "&amp;";
      ++i;
      continue;
    }
    out += c;
    ++i;
  }
  return prepared;
}

// libxml2's errors while parsing, collected as warnings (recover mode reads
// on after them). Installed for one parse on this thread.
struct ParseErrors {
  std::vector<std::pair<int, std::string>> list;
  bool truncated = false;
  int truncated_line = 0;
};

void CollectError(void* context, xmlErrorPtr error) {
  auto* errors = static_cast<ParseErrors*>(context);
  std::string message(absl::StripTrailingAsciiWhitespace(error->message ? error->message : ""));
  if (error->code == XML_ERR_TAG_NOT_FINISHED || error->code == XML_ERR_DOCUMENT_END ||
      error->code == XML_ERR_LTSLASH_REQUIRED || error->code == XML_ERR_GT_REQUIRED) {
    if (!errors->truncated) errors->truncated_line = error->line;
    errors->truncated = true;
  }
  // Undeclared prefixes are reported by the reader, once per prefix.
  if (error->code == XML_NS_ERR_UNDEFINED_NAMESPACE) return;
  if (errors->list.size() < 50) errors->list.emplace_back(error->line, std::move(message));
}

struct ParserContextFree {
  void operator()(xmlParserCtxt* context) const { xmlFreeParserCtxt(context); }
};

// Where the parser met the first entity declaration (0: none).
struct EntityRefusal {
  int line = 0;
};

// The SAX handler for <!ENTITY ...>, general or parameter, internal or
// external: records the line and stops the parser. libxml2's own handler,
// which would declare the entity, never runs.
void RefuseEntityDeclaration(void* user, const xmlChar* /*name*/, int /*type*/, const xmlChar* /*public_id*/,
                             const xmlChar* /*system_id*/, xmlChar* /*content*/) {
  auto* context = static_cast<xmlParserCtxtPtr>(user);
  auto* refusal = static_cast<EntityRefusal*>(context->_private);
  if (refusal->line == 0) refusal->line = context->input != nullptr ? std::max(1, context->input->line) : 1;
  xmlStopParser(context);
}

struct DocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

struct XmlFree {
  void operator()(xmlChar* text) const { xmlFree(text); }
};

// Which namespace an element or attribute is in, as the prefix podmeta
// knows it by ("itunes", "podcast", "content", "atom", "psc"), "" for none,
// "?" for another.
std::string PrefixOfUri(absl::string_view uri) {
  const std::string lower = absl::AsciiStrToLower(uri);
  if (lower == "http://www.itunes.com/dtds/podcast-1.0.dtd" || lower == "https://www.itunes.com/dtds/podcast-1.0.dtd") {
    return "itunes";
  }
  if (absl::StartsWith(lower, "https://podcastindex.org/namespace/1.0") ||
      absl::StartsWith(lower, "http://podcastindex.org/namespace/1.0") ||
      absl::StartsWith(lower, "https://github.com/podcastindex-org/podcast-namespace")) {
    return "podcast";
  }
  if (lower == "http://purl.org/rss/1.0/modules/content/") return "content";
  if (lower == "http://www.w3.org/2005/atom") return "atom";
  if (lower == "http://podlove.org/simple-chapters") return "psc";
  if (lower == "http://www.google.com/schemas/play-podcasts/1.0") return "googleplay";
  return "?";
}

// Whether `text` holds HTML: an element HTML has (or a comment), not any
// "<" followed by a letter, so plain text about code ("std::vector<int>",
// "a <b"-less comparison) stays as it was written.
bool HasMarkup(absl::string_view text) {
  static const Pattern kMarkup(
      R"((?i)<(?:/?(?:a|abbr|b|big|blockquote|br|center|cite|code|dd|del|div|dl|dt|em|figcaption|figure|font|)"
      R"(h[1-6]|hr|i|iframe|img|ins|li|mark|ol|p|pre|q|s|small|span|strike|strong|sub|sup|table|tbody|td|th|)"
      R"(thead|tr|u|ul)(?:\s|/|>)|!--))");
  return kMarkup.Search(text).has_value();
}

class Reader {
 public:
  Reader(Feed& feed, WarningList& warnings) : feed_(feed), warnings_(warnings) {}

  // "itunes:duration", "title", ... for an element.
  std::string KeyOf(const xmlNode* node) {
    const std::string name = reinterpret_cast<const char*>(node->name);
    if (node->ns != nullptr && node->ns->href != nullptr) {
      const std::string prefix = PrefixOfUri(reinterpret_cast<const char*>(node->ns->href));
      return prefix.empty() ? name : absl::StrCat(prefix, ":", name);
    }
    if (size_t colon = name.find(':'); colon != std::string::npos) {
      const std::string prefix = absl::AsciiStrToLower(name.substr(0, colon));
      if (prefix == "itunes" || prefix == "podcast" || prefix == "content" || prefix == "atom" || prefix == "psc") {
        if (undeclared_.insert(prefix).second) {
          const int line = static_cast<int>(xmlGetLineNo(node));
          warnings_.Add("undeclared namespace prefix", line,
                        absl::StrCat("namespace prefix \"", prefix, "\" is used but not declared; read as the ", prefix,
                                     " namespace"));
        }
        return absl::StrCat(prefix, ":", name.substr(colon + 1));
      }
      return "?:" + name;
    }
    return name;
  }

  static std::string Text(const xmlNode* node) {
    std::unique_ptr<xmlChar, XmlFree> content(xmlNodeGetContent(node));
    if (!content) return "";
    return std::string(absl::StripAsciiWhitespace(reinterpret_cast<const char*>(content.get())));
  }

  static std::string Attribute(const xmlNode* node, const char* name) {
    std::unique_ptr<xmlChar, XmlFree> value(xmlGetProp(node, reinterpret_cast<const xmlChar*>(name)));
    if (!value) return "";
    return std::string(absl::StripAsciiWhitespace(reinterpret_cast<const char*>(value.get())));
  }

  static bool HasElementChildren(const xmlNode* node) {
    for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
      if (child->type == XML_ELEMENT_NODE) return true;
    }
    return false;
  }

  // The markup inside an element that holds unescaped HTML.
  static std::string InnerXml(const xmlNode* node) {
    std::string html;
    for (xmlNode* child = node->children; child != nullptr; child = child->next) {
      xmlBufferPtr buffer = xmlBufferCreate();
      xmlNodeDump(buffer, node->doc, child, 0, 0);
      html.append(reinterpret_cast<const char*>(xmlBufferContent(buffer)), xmlBufferLength(buffer));
      xmlBufferFree(buffer);
    }
    return std::string(absl::StripAsciiWhitespace(html));
  }

  // The HTML or text an element holds; warns about unescaped markup.
  std::string MarkupOf(const xmlNode* node) {
    if (!HasElementChildren(node)) return Text(node);
    const int line = static_cast<int>(xmlGetLineNo(node));
    warnings_.Add("unescaped HTML", line,
                  absl::StrCat("<", reinterpret_cast<const char*>(node->name),
                               "> holds HTML that is neither escaped nor in CDATA; read as HTML"));
    return InnerXml(node);
  }

  std::optional<bool> ExplicitOf(const xmlNode* node) {
    const std::string value = absl::AsciiStrToLower(Text(node));
    if (value == "true" || value == "yes" || value == "explicit") return true;
    if (value == "false" || value == "no" || value == "clean") return false;
    Warn(node, "itunes:explicit", absl::StrCat("itunes:explicit \"", value, "\" is neither true nor false; ignored"));
    return std::nullopt;
  }

  std::optional<int32_t> IntegerOf(const xmlNode* node, const std::string& what, std::string* display) {
    const std::string text = Text(node);
    int32_t value = 0;
    if (absl::SimpleAtoi(text, &value) && value >= 0) return value;
    double decimal = 0;
    if (display != nullptr && absl::SimpleAtod(text, &decimal) && decimal >= 0) {
      if (display->empty()) *display = text;
      Warn(node, what, absl::StrCat(what, " \"", text, "\" is not a whole number; kept as its display text"));
      return std::nullopt;
    }
    Warn(node, what, absl::StrCat(what, " \"", Truncated(text, 40), "\" is not a number; ignored"));
    return std::nullopt;
  }

  // A URI podmeta can store, else empty with a warning.
  std::string UriOf(const xmlNode* node, std::string uri, absl::string_view what) {
    if (uri.empty() || IsHttpUri(uri)) return uri;
    Warn(node, "URI that is not absolute http or https",
         absl::StrCat(what, " \"", Truncated(uri, 80), "\" is not an absolute http or https URI; ignored"));
    return "";
  }

  void Warn(const xmlNode* node, const std::string& kind, const std::string& text) {
    const int line = static_cast<int>(xmlGetLineNo(node));
    warnings_.Add(kind, line, absl::StrCat(text));
  }

  v1::Person PersonOf(const xmlNode* node) {
    v1::Person person;
    person.set_display_name(Text(node));
    std::string role = absl::AsciiStrToLower(Attribute(node, "role"));
    if (role.empty()) role = "host";  // the namespace's default
    person.set_taxonomy_role(role);
    person.set_role(role == "host"    ? v1::Person::HOST
                    : role == "guest" ? v1::Person::GUEST
                                      : v1::Person::ROLE_UNSPECIFIED);
    person.set_group(absl::AsciiStrToLower(Attribute(node, "group")));
    person.set_image_uri(UriOf(node, Attribute(node, "img"), "podcast:person img"));
    person.set_uri(UriOf(node, Attribute(node, "href"), "podcast:person href"));
    return person;
  }

  void ReadChannel(const xmlNode* channel) {
    v1::Podcast& podcast = feed_.podcast;
    std::string description, summary, new_feed_uri;
    for (const xmlNode* node = channel->children; node != nullptr; node = node->next) {
      if (node->type != XML_ELEMENT_NODE) continue;
      const std::string key = KeyOf(node);
      if (key == "title") {
        podcast.set_title(Text(node));
      } else if (key == "link") {
        podcast.set_link_uri(UriOf(node, Text(node), "link"));
      } else if (key == "description") {
        description = MarkupOf(node);
      } else if (key == "itunes:summary") {
        summary = MarkupOf(node);
      } else if (key == "language") {
        podcast.set_language(Text(node));
      } else if (key == "copyright") {
        podcast.set_copyright(Text(node));
      } else if (key == "itunes:author") {
        podcast.set_author(Text(node));
      } else if (key == "itunes:owner") {
        for (const xmlNode* part = node->children; part != nullptr; part = part->next) {
          if (part->type != XML_ELEMENT_NODE) continue;
          const std::string part_key = KeyOf(part);
          if (part_key == "itunes:name") podcast.mutable_owner()->set_name(Text(part));
          if (part_key == "itunes:email") podcast.mutable_owner()->set_email(Text(part));
        }
      } else if (key == "itunes:image") {
        podcast.set_image_uri(UriOf(node, Attribute(node, "href"), "itunes:image"));
      } else if (key == "image" && podcast.image_uri().empty()) {
        for (const xmlNode* part = node->children; part != nullptr; part = part->next) {
          if (part->type == XML_ELEMENT_NODE && KeyOf(part) == "url")
            podcast.set_image_uri(UriOf(part, Text(part), "image url"));
        }
      } else if (key == "itunes:category") {
        v1::Category* category = podcast.add_categories();
        category->set_name(Attribute(node, "text"));
        for (const xmlNode* sub = node->children; sub != nullptr; sub = sub->next) {
          if (sub->type == XML_ELEMENT_NODE && KeyOf(sub) == "itunes:category") {
            category->add_subcategories(Attribute(sub, "text"));
          }
        }
      } else if (key == "itunes:type") {
        const std::string type = absl::AsciiStrToLower(Text(node));
        if (type == "serial") {
          podcast.set_type(v1::Podcast::SERIAL);
        } else if (type == "episodic") {
          podcast.set_type(v1::Podcast::EPISODIC);
        } else {
          Warn(node, "itunes:type",
               absl::StrCat("itunes:type \"", Truncated(type, 40), "\" is neither episodic nor serial; ignored"));
        }
      } else if (key == "itunes:explicit") {
        if (std::optional<bool> value = ExplicitOf(node)) podcast.set_explicit_(*value);
      } else if (key == "podcast:locked") {
        const std::string value = absl::AsciiStrToLower(Text(node));
        if (value == "yes" || value == "no") {
          podcast.set_locked(value == "yes");
          podcast.set_locked_owner(Attribute(node, "owner"));
        } else {
          Warn(node, "podcast:locked",
               absl::StrCat("podcast:locked \"", Truncated(value, 40), "\" is neither yes nor no; ignored"));
        }
      } else if (key == "podcast:guid") {
        podcast.set_guid(absl::AsciiStrToLower(Text(node)));
      } else if (key == "podcast:funding") {
        v1::FundingLink* funding = podcast.add_funding();
        funding->set_uri(UriOf(node, Attribute(node, "url"), "podcast:funding url"));
        funding->set_text(Text(node));
      } else if (key == "podcast:medium") {
        podcast.set_medium(absl::AsciiStrToLower(Text(node)));
      } else if (key == "podcast:person") {
        *podcast.add_people() = PersonOf(node);
      } else if (key == "atom:link") {
        if (Attribute(node, "rel") == "self" && feed_.self_uri.empty())
          feed_.self_uri = UriOf(node, Attribute(node, "href"), "atom:link href");
      } else if (key == "itunes:new-feed-url") {
        new_feed_uri = UriOf(node, Text(node), "itunes:new-feed-url");
      } else if (key == "item") {
        ReadItem(node);
      }
    }
    if (feed_.self_uri.empty()) feed_.self_uri = new_feed_uri;
    podcast.set_description(PlainTextOf(description.empty() ? summary : description));
    podcast.set_feed_uri(PublicUri(feed_.self_uri));
  }

  // Plain text of a description: HTML made text, text kept as it is (lines
  // trimmed).
  static std::string PlainTextOf(absl::string_view text) {
    if (HasMarkup(text)) return PlainTextOfHtml(text);
    std::vector<std::string> lines;
    for (absl::string_view line : absl::StrSplit(text, '\n')) lines.emplace_back(absl::StripAsciiWhitespace(line));
    return std::string(absl::StripAsciiWhitespace(absl::StrJoin(lines, "\n")));
  }

  void ReadItem(const xmlNode* item) {
    FeedItem parsed;
    parsed.line = static_cast<int>(xmlGetLineNo(item));
    v1::Episode& episode = parsed.episode;
    std::string description, summary, content, pub_date, itunes_number, podcast_number_display;
    std::optional<int32_t> itunes_number_value, podcast_number_value, itunes_season, podcast_season;
    bool has_pub_date = false;
    const xmlNode* pub_date_node = nullptr;
    for (const xmlNode* node = item->children; node != nullptr; node = node->next) {
      if (node->type != XML_ELEMENT_NODE) continue;
      const std::string key = KeyOf(node);
      if (key == "title") {
        episode.set_title(Text(node));
      } else if (key == "itunes:title") {
        episode.set_itunes_title(Text(node));
      } else if (key == "link") {
        episode.set_link_uri(UriOf(node, Text(node), "link"));
      } else if (key == "guid") {
        episode.set_guid(Text(node));
      } else if (key == "pubDate") {
        pub_date = Text(node);
        pub_date_node = node;
        has_pub_date = true;
      } else if (key == "description") {
        description = MarkupOf(node);
      } else if (key == "itunes:summary") {
        summary = MarkupOf(node);
      } else if (key == "content:encoded") {
        content = MarkupOf(node);
      } else if (key == "enclosure") {
        v1::Enclosure* enclosure = episode.mutable_enclosure();
        enclosure->set_uri(UriOf(node, Attribute(node, "url"), "enclosure url"));
        enclosure->set_mime_type(Attribute(node, "type"));
        const std::string length = Attribute(node, "length");
        int64_t bytes = 0;
        if (!length.empty() && (!absl::SimpleAtoi(length, &bytes) || bytes < 0)) {
          Warn(node, "enclosure length",
               absl::StrCat("enclosure length \"", Truncated(length, 40), "\" is not a number; read as 0"));
          bytes = 0;
        }
        enclosure->set_length_bytes(bytes);
      } else if (key == "itunes:duration") {
        const std::string text = Text(node);
        if (std::optional<google::protobuf::Duration> duration = ParseFeedDuration(text)) {
          *episode.mutable_duration() = *duration;
        } else if (!text.empty()) {
          Warn(
              node, "itunes:duration",
              absl::StrCat("itunes:duration \"", Truncated(text, 40), "\" is not a duration; the duration is unknown"));
        }
      } else if (key == "itunes:episode") {
        itunes_number_value = IntegerOf(node, "itunes:episode", nullptr);
      } else if (key == "podcast:episode") {
        podcast_number_display = Attribute(node, "display");
        podcast_number_value = IntegerOf(node, "podcast:episode", &podcast_number_display);
      } else if (key == "itunes:season") {
        itunes_season = IntegerOf(node, "itunes:season", nullptr);
      } else if (key == "podcast:season") {
        podcast_season = IntegerOf(node, "podcast:season", nullptr);
        episode.set_season_name(Attribute(node, "name"));
      } else if (key == "itunes:episodeType") {
        const std::string type = absl::AsciiStrToLower(Text(node));
        if (type == "full") {
          episode.set_type(v1::Episode::FULL);
        } else if (type == "trailer") {
          episode.set_type(v1::Episode::TRAILER);
        } else if (type == "bonus") {
          episode.set_type(v1::Episode::BONUS);
        } else {
          Warn(node, "itunes:episodeType",
               absl::StrCat("itunes:episodeType \"", Truncated(type, 40),
                            "\" is not full, trailer or bonus; read as full"));
          episode.set_type(v1::Episode::FULL);
        }
      } else if (key == "itunes:explicit") {
        if (std::optional<bool> value = ExplicitOf(node)) episode.set_explicit_(*value);
      } else if (key == "itunes:image") {
        episode.set_image_uri(UriOf(node, Attribute(node, "href"), "itunes:image"));
      } else if (key == "podcast:chapters") {
        const std::string type = absl::AsciiStrToLower(Attribute(node, "type"));
        episode.set_chapters_uri(UriOf(node, Attribute(node, "url"), "podcast:chapters url"));
        if (type.empty() || absl::StrContains(type, "json")) {
          parsed.chapters_uri = episode.chapters_uri();
        } else {
          Warn(node, "podcast:chapters type",
               absl::StrCat("podcast:chapters of type \"", Truncated(type, 40), "\" is not JSON chapters; not read"));
        }
      } else if (key == "podcast:transcript") {
        v1::Transcript* transcript = episode.add_transcripts();
        transcript->set_uri(UriOf(node, Attribute(node, "url"), "podcast:transcript url"));
        transcript->set_mime_type(Attribute(node, "type"));
        transcript->set_language(Attribute(node, "language"));
        transcript->set_rel(Attribute(node, "rel"));
      } else if (key == "podcast:soundbite") {
        std::optional<google::protobuf::Duration> start = ParseFeedDuration(Attribute(node, "startTime"));
        std::optional<google::protobuf::Duration> length = ParseFeedDuration(Attribute(node, "duration"));
        if (!start || !length) {
          Warn(node, "podcast:soundbite", "podcast:soundbite without a startTime and duration in seconds; ignored");
          continue;
        }
        v1::Soundbite* soundbite = episode.add_soundbites();
        *soundbite->mutable_start_offset() = *start;
        *soundbite->mutable_duration() = *length;
        soundbite->set_title(Text(node));
      } else if (key == "podcast:person") {
        *episode.add_people() = PersonOf(node);
      }
    }
    if (itunes_number_value) {
      episode.set_number(*itunes_number_value);
    } else if (podcast_number_value) {
      episode.set_number(*podcast_number_value);
    }
    episode.set_number_display(podcast_number_display);
    if (itunes_season) {
      episode.set_season(*itunes_season);
    } else if (podcast_season) {
      episode.set_season(*podcast_season);
    }
    const std::string& notes_source = !description.empty() ? description : !summary.empty() ? summary : content;
    episode.set_description(PlainTextOf(notes_source));
    if (!content.empty()) {
      episode.set_show_notes_html(content);
    } else if (HasMarkup(notes_source)) {
      episode.set_show_notes_html(notes_source);
    }
    if (episode.title().empty() && !episode.itunes_title().empty()) {
      Warn(item, "item without title", "the item has no <title>; its itunes:title is used");
      episode.set_title(episode.itunes_title());
    }
    Violations violations;
    if (episode.title().empty()) violations.Add("title", "the item has no <title>");
    if (!has_pub_date) {
      violations.Add("pubDate", "the item has no <pubDate>");
    } else {
      bool standard = true;
      if (std::optional<google::protobuf::Timestamp> time = ParseFeedDate(pub_date, &standard)) {
        *episode.mutable_publish_time() = *time;
        if (!standard) {
          Warn(pub_date_node, "date not in RFC 822",
               absl::StrCat("pubDate \"", Truncated(pub_date, 60), "\" is not RFC 822; read as ",
                            TimeUtil::ToString(*time)));
        }
      } else {
        violations.Add("pubDate", absl::StrCat("pubDate \"", Truncated(pub_date, 60), "\" is not a date"));
      }
    }
    if (episode.guid().empty()) {
      if (!episode.enclosure().uri().empty()) {
        episode.set_guid(episode.enclosure().uri());
        Warn(item, "item without guid", "the item has no <guid>; its enclosure URL is used as its guid");
      } else {
        Warn(item, "item without guid", "the item has neither <guid> nor enclosure; it is matched by title and date");
      }
    }
    parsed.show_notes_chapters =
        ShowNotesChapters(content.empty() ? episode.description() : PlainTextOfHtml(content), episode.duration());
    if (parsed.chapters_uri.empty() && !parsed.show_notes_chapters.empty()) {
      *episode.mutable_chapters() = parsed.show_notes_chapters;
      episode.set_chapters_source(v1::Episode::SHOW_NOTES);
    }
    Violations rules;
    ValidateEpisode(episode, "", rules);
    for (const FieldViolation& violation : rules.list()) {
      // Already said in the feed's terms.
      if (violation.field == "title" && episode.title().empty()) continue;
      if (violation.field == "publish_time" && !episode.has_publish_time()) continue;
      violations.Add(violation.field, violation.description);
    }
    if (!violations.empty()) {
      parsed.valid = false;
      for (const FieldViolation& violation : violations.list()) {
        feed_.problems.push_back(
            PageProblem{parsed.line, absl::StrCat("item ", Quoted(Truncated(episode.title(), 60)), ": ",
                                                  violation.field, ": ", violation.description)});
      }
    }
    feed_.items.push_back(std::move(parsed));
  }

 private:
  Feed& feed_;
  WarningList& warnings_;
  absl::flat_hash_set<std::string> undeclared_;
};

// Named zones feeds use; RFC 822's own and the common others.
std::optional<int> ZoneOffsetMinutes(absl::string_view zone) {
  static const auto* const kZones = new absl::flat_hash_map<std::string, int>{
      {"UT", 0},         {"UTC", 0},        {"GMT", 0},        {"Z", 0},         {"EST", -5 * 60},     {"EDT", -4 * 60},
      {"CST", -6 * 60},  {"CDT", -5 * 60},  {"MST", -7 * 60},  {"MDT", -6 * 60}, {"PST", -8 * 60},     {"PDT", -7 * 60},
      {"AKST", -9 * 60}, {"AKDT", -8 * 60}, {"HST", -10 * 60}, {"BST", 60},      {"CET", 60},          {"CEST", 2 * 60},
      {"EET", 2 * 60},   {"EEST", 3 * 60},  {"WET", 0},        {"WEST", 60},     {"IST", 5 * 60 + 30}, {"JST", 9 * 60},
      {"AEST", 10 * 60}, {"AEDT", 11 * 60}};
  const std::string upper = absl::AsciiStrToUpper(zone);
  if (auto found = kZones->find(upper); found != kZones->end()) return found->second;
  static const Pattern kNumeric(R"(([+-])(\d{2}):?(\d{2}))");
  if (std::optional<PatternMatch> numeric = kNumeric.FullMatch(upper)) {
    const int offset = std::stoi(numeric->str(2)) * 60 + std::stoi(numeric->str(3));
    if (offset > 14 * 60) return std::nullopt;
    return numeric->view(1) == "-" ? -offset : offset;
  }
  return std::nullopt;
}

std::optional<int> MonthOf(absl::string_view name) {
  static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
  if (name.size() < 3) return std::nullopt;
  const std::string lower = absl::AsciiStrToLower(name);
  for (int i = 0; i < 12; ++i) {
    if (absl::StartsWith(lower, kMonths[i])) {
      static const char* const kFull[] = {"january", "february", "march",     "april",   "may",      "june",
                                          "july",    "august",   "september", "october", "november", "december"};
      const std::string full = kFull[i];
      if (lower.size() == 3 || full == lower || (lower == "sept" && i == 8)) return i + 1;
    }
  }
  return std::nullopt;
}

std::optional<google::protobuf::Timestamp> TimestampOf(int64_t year, int month, int day, int hour, int minute,
                                                       int second, int offset_minutes) {
  if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    return std::nullopt;
  }
  const absl::CivilSecond civil(year, month, day, hour, minute, std::min(second, 59));
  if (civil.day() != day) return std::nullopt;  // e.g. 31 Feb
  const absl::Time time = absl::FromCivil(civil, absl::UTCTimeZone()) - absl::Minutes(offset_minutes);
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(absl::ToUnixSeconds(time));
  return timestamp;
}

}  // namespace

std::optional<google::protobuf::Timestamp> ParseFeedDate(absl::string_view text, bool* standard) {
  text = absl::StripAsciiWhitespace(text);
  bool is_standard = false;
  std::optional<google::protobuf::Timestamp> result;
  // ISO 8601 / RFC 3339: 2024-03-07T08:00:00Z, with or without seconds,
  // fraction or zone (no zone: UTC), or a bare date.
  static const Pattern kIso(
      R"((\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?)");
  // RFC 822 and its relatives: [Day,] D Mon YYYY [HH:MM[:SS]] [zone].
  static const Pattern kRfc822(
      R"((?:([A-Za-z]+),?\s+)?(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{2,4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?:\s+([A-Za-z]+|[+-]\d{2}:?\d{2}))?)");
  std::string year, month, day, hour, minute, second, zone, day_name;
  if (std::optional<PatternMatch> iso = kIso.FullMatch(text)) {
    year = iso->str(1), month = iso->str(2), day = iso->str(3), hour = iso->str(4), minute = iso->str(5);
    second = iso->str(6), zone = iso->str(7);
    std::optional<int> offset = zone.empty() ? 0 : ZoneOffsetMinutes(zone);
    if (!offset) return std::nullopt;
    result = TimestampOf(std::stoll(year), std::stoi(month), std::stoi(day), hour.empty() ? 0 : std::stoi(hour),
                         minute.empty() ? 0 : std::stoi(minute), second.empty() ? 0 : std::stoi(second), *offset);
  } else if (std::optional<PatternMatch> rfc = kRfc822.FullMatch(text)) {
    day_name = rfc->str(1), day = rfc->str(2), month = rfc->str(3), year = rfc->str(4), hour = rfc->str(5);
    minute = rfc->str(6), second = rfc->str(7), zone = rfc->str(8);
    std::optional<int> month_number = MonthOf(month);
    std::optional<int> offset = zone.empty() ? 0 : ZoneOffsetMinutes(zone);
    if (!month_number || !offset) return std::nullopt;
    int64_t full_year = std::stoll(year);
    if (year.size() == 2) full_year += full_year < 70 ? 2000 : 1900;
    if (year.size() == 3) return std::nullopt;
    result = TimestampOf(full_year, *month_number, std::stoi(day), hour.empty() ? 0 : std::stoi(hour),
                         minute.empty() ? 0 : std::stoi(minute), second.empty() ? 0 : std::stoi(second), *offset);
    const std::string upper_zone = absl::AsciiStrToUpper(zone);
    const bool numeric_or_universal =
        zone.size() == 5 && (zone[0] == '+' || zone[0] == '-') ? true : upper_zone == "GMT" || upper_zone == "UT";
    is_standard = !day_name.empty() && month.size() == 3 && year.size() == 4 && !second.empty() && numeric_or_universal;
  }
  if (standard != nullptr) *standard = is_standard;
  return result;
}

std::optional<google::protobuf::Duration> ParseFeedDuration(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return std::nullopt;
  std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  if (parts.size() > 3) return std::nullopt;
  double seconds = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const bool last = i + 1 == parts.size();
    double value = 0;
    if (parts[i].empty() || !std::all_of(parts[i].begin(), parts[i].end(),
                                         [&](char c) { return absl::ascii_isdigit(c) || (last && c == '.'); })) {
      return std::nullopt;
    }
    if (!absl::SimpleAtod(parts[i], &value)) return std::nullopt;
    if (i > 0 && value >= 60) return std::nullopt;
    seconds = seconds * 60 + value;
  }
  if (!std::isfinite(seconds) || seconds > 1e7) return std::nullopt;
  google::protobuf::Duration duration;
  const int64_t millis = std::llround(seconds * 1000);
  duration.set_seconds(millis / 1000);
  duration.set_nanos(static_cast<int32_t>(millis % 1000) * 1000000);
  return duration;
}

std::string PublicUri(absl::string_view uri) {
  const size_t scheme = uri.find("://");
  if (scheme == absl::string_view::npos) return std::string(uri);
  const size_t authority = scheme + 3;
  const size_t authority_end = std::min(uri.find_first_of("/?#", authority), uri.size());
  std::string out(uri.substr(0, authority));
  absl::string_view host = uri.substr(authority, authority_end - authority);
  if (const size_t at = host.rfind('@'); at != absl::string_view::npos) host.remove_prefix(at + 1);
  out.append(host.data(), host.size());
  absl::string_view rest = uri.substr(authority_end);
  const size_t query = rest.find('?');
  if (query == absl::string_view::npos) {
    out.append(rest.data(), rest.size());
    return out;
  }
  const size_t fragment = std::min(rest.find('#', query), rest.size());
  out.append(rest.data(), query);
  static const absl::string_view kSecretWords[] = {"auth", "token", "key",        "secret",
                                                   "pass", "sig",   "credential", "session"};
  std::vector<absl::string_view> kept;
  for (absl::string_view parameter : absl::StrSplit(rest.substr(query + 1, fragment - query - 1), '&')) {
    const std::string name = absl::AsciiStrToLower(parameter.substr(0, parameter.find('=')));
    if (std::none_of(std::begin(kSecretWords), std::end(kSecretWords),
                     [&](absl::string_view word) { return absl::StrContains(name, word); })) {
      kept.push_back(parameter);
    }
  }
  if (!kept.empty()) absl::StrAppend(&out, "?", absl::StrJoin(kept, "&"));
  out.append(rest.data() + fragment, rest.size() - fragment);
  return out;
}

FeedIdentity FeedIdentityOf(const Feed& feed, absl::string_view fetched_uri) {
  FeedIdentity identity;
  identity.feed_uri = PublicUri(!feed.self_uri.empty() ? feed.self_uri : fetched_uri);
  identity.guid = feed.podcast.guid();
  if (identity.guid.empty() && !identity.feed_uri.empty()) identity.guid = FeedGuidOf(identity.feed_uri);
  return identity;
}

std::string FeedGuidOf(absl::string_view feed_uri) {
  absl::string_view uri = absl::StripAsciiWhitespace(feed_uri);
  if (size_t scheme = uri.find("://"); scheme != absl::string_view::npos) uri.remove_prefix(scheme + 3);
  while (absl::ConsumeSuffix(&uri, "/")) {
  }
  // The Podcasting 2.0 namespace's UUID, ead4c236-bf58-58c6-a2c6-a6b28d128cb6.
  static const unsigned char kNamespace[16] = {0xea, 0xd4, 0xc2, 0x36, 0xbf, 0x58, 0x58, 0xc6,
                                               0xa2, 0xc6, 0xa6, 0xb2, 0x8d, 0x12, 0x8c, 0xb6};
  std::string input(reinterpret_cast<const char*>(kNamespace), 16);
  input.append(uri.data(), uri.size());
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  digest[6] = (digest[6] & 0x0F) | 0x50;
  digest[8] = (digest[8] & 0x3F) | 0x80;
  std::string guid;
  static const char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) guid += '-';
    guid += kHex[digest[i] >> 4];
    guid += kHex[digest[i] & 0xF];
  }
  return guid;
}

google::protobuf::RepeatedPtrField<v1::Chapter> ShowNotesChapters(absl::string_view text,
                                                                  const google::protobuf::Duration& duration) {
  static const Pattern kLine(R"(\s*[\(\[]?((?:\d{1,2}:)?\d{1,2}:\d{2})[\)\]]?\s*(?:(?:-|–|—|:|\|)\s*)?(\S.*?)\s*)");
  google::protobuf::RepeatedPtrField<v1::Chapter> chapters;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.size() > kMaxLineBytes) continue;
    std::optional<PatternMatch> match = kLine.FullMatch(line);
    if (!match) continue;
    const std::string title = match->str(2);
    std::optional<google::protobuf::Duration> start = ParseFeedDuration(match->view(1));
    if (!start) continue;
    v1::Chapter* chapter = chapters.Add();
    *chapter->mutable_start_offset() = *start;
    chapter->set_title(title);
  }
  Violations violations;
  ValidateChapters(chapters, duration, "chapters", violations);
  if (chapters.size() < 2 || !violations.empty()) return {};
  NormalizeChapters(chapters);
  return chapters;
}

std::string PlainTextOfHtml(absl::string_view html) {
  if (html.empty()) return "";
  const std::string wrapped = absl::StrCat("<html><body>", html, "</body></html>");
  htmlDocPtr doc = htmlReadMemory(wrapped.data(), static_cast<int>(wrapped.size()), nullptr, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if (doc == nullptr) return std::string(html);
  std::string text;
  static const absl::flat_hash_set<std::string> kBlocks = {"p",  "br", "div", "li", "ul", "ol",         "h1",  "h2",
                                                           "h3", "h4", "h5",  "h6", "tr", "blockquote", "pre", "hr"};
  // Iterative walk: deep HTML must not exhaust the stack.
  std::vector<const xmlNode*> stack = {xmlDocGetRootElement(doc)};
  std::vector<bool> closing = {false};
  while (!stack.empty()) {
    const xmlNode* node = stack.back();
    const bool close = closing.back();
    stack.pop_back();
    closing.pop_back();
    if (node == nullptr) continue;
    const bool block = node->type == XML_ELEMENT_NODE && kBlocks.contains(reinterpret_cast<const char*>(node->name));
    if (close) {
      if (block) text += '\n';
      continue;
    }
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      text += reinterpret_cast<const char*>(node->content);
      continue;
    }
    if (node->type != XML_ELEMENT_NODE) continue;
    if (block) text += '\n';
    if (absl::string_view(reinterpret_cast<const char*>(node->name)) == "br") continue;
    stack.push_back(node);
    closing.push_back(true);
    std::vector<const xmlNode*> children;
    for (const xmlNode* child = node->children; child != nullptr; child = child->next) children.push_back(child);
    for (auto child = children.rbegin(); child != children.rend(); ++child) {
      stack.push_back(*child);
      closing.push_back(false);
    }
  }
  xmlFreeDoc(doc);
  // Spaces collapsed within lines, blank lines collapsed to one.
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::string collapsed;
    bool space = false;
    for (char c : line) {
      if (c == ' ' || c == '\t' || c == '\r') {
        space = true;
        continue;
      }
      if (space && !collapsed.empty()) collapsed += ' ';
      space = false;
      collapsed += c;
    }
    // U+00A0 (from &nbsp;) at the ends of a line is space too.
    absl::string_view trimmed = collapsed;
    while (absl::ConsumePrefix(&trimmed, "\xC2\xA0") || absl::ConsumePrefix(&trimmed, " ")) {
    }
    while (absl::ConsumeSuffix(&trimmed, "\xC2\xA0") || absl::ConsumeSuffix(&trimmed, " ")) {
    }
    if (!trimmed.empty()) lines.emplace_back(trimmed);
  }
  return absl::StrJoin(lines, "\n");
}

absl::StatusOr<Feed> ParseFeed(absl::string_view bytes) {
  Feed feed;
  WarningList warnings(feed.warnings);
  const PreparedText prepared = Prepare(bytes, warnings);
  if (prepared.text.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return InvalidField("content", "the feed is too large");
  }
  ParseErrors errors;
  std::unique_ptr<xmlParserCtxt, ParserContextFree> context(xmlNewParserCtxt());
  if (context == nullptr) return Error(Reason::kInternal, "cannot allocate an XML parser");
  // An entity declaration stops the parser before libxml2 records it, so no
  // reference anywhere in the document can expand; it is seen after the
  // bytes are decoded, whatever encoding the feed is in.
  EntityRefusal refusal;
  context->_private = &refusal;
  context->sax->entityDecl = RefuseEntityDeclaration;
  xmlSetStructuredErrorFunc(&errors, CollectError);
  // No XML_PARSE_NOENT (entities are never substituted), no DTD loading
  // (XML_PARSE_DTDLOAD is not set), no network: nothing outside the bytes is
  // ever read.
  Doc doc(xmlCtxtReadMemory(context.get(), prepared.text.data(), static_cast<int>(prepared.text.size()), "feed.xml",
                            prepared.encoding.empty() ? nullptr : prepared.encoding.c_str(),
                            XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT));
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  if (refusal.line > 0) {
    return InvalidField("content", absl::StrCat("line ", refusal.line,
                                                ": the feed declares entities (<!ENTITY>); feeds may not, "
                                                "and podmeta does not expand them"));
  }
  const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (root == nullptr) {
    const int line = errors.list.empty() ? 1 : errors.list.front().first;
    const std::string what = errors.list.empty() ? "the feed is empty" : errors.list.front().second;
    return InvalidField("content", absl::StrCat("line ", line, ": not an RSS feed: ", what));
  }
  const std::string root_name = reinterpret_cast<const char*>(root->name);
  const xmlNode* channel = nullptr;
  for (const xmlNode* node = root->children; node != nullptr; node = node->next) {
    if (node->type == XML_ELEMENT_NODE && absl::string_view(reinterpret_cast<const char*>(node->name)) == "channel") {
      channel = node;
      break;
    }
  }
  if (root_name != "rss" || channel == nullptr) {
    return InvalidField("content", absl::StrCat("line ", xmlGetLineNo(root), ": not an RSS feed: the document is <",
                                                Truncated(root_name, 40), ">",
                                                root_name == "rss" ? " without a <channel>" : ", not <rss>"));
  }
  for (const auto& [line, message] : errors.list) {
    warnings.Add("XML error", line, absl::StrCat(ValidUtf8(message), "; read on"));
  }
  Reader reader(feed, warnings);
  reader.ReadChannel(channel);
  // libxml2 refuses such characters in the XML itself; they can still come
  // as text the reader decodes (show notes, HTML entities).
  const auto drop_non_xml_characters = [&warnings](google::protobuf::Message& message, int line) {
    if (std::vector<std::string> fields = DropNonXmlCharacters(message); !fields.empty()) {
      warnings.Add("character XML cannot carry", line,
                   absl::StrCat("characters XML cannot carry dropped from ", absl::StrJoin(fields, ", ")));
    }
  };
  drop_non_xml_characters(feed.podcast, static_cast<int>(xmlGetLineNo(channel)));
  for (FeedItem& item : feed.items) drop_non_xml_characters(item.episode, item.line);
  if (feed.podcast.title().empty()) {
    return InvalidField("content", absl::StrCat("line ", xmlGetLineNo(channel), ": the channel has no <title>"));
  }
  // Each guid is one episode: a repeated one is a problem of the later item.
  absl::flat_hash_map<std::string, int> guid_lines;
  for (FeedItem& item : feed.items) {
    if (item.episode.guid().empty()) continue;
    auto [first, inserted] = guid_lines.emplace(item.episode.guid(), item.line);
    if (!inserted && item.valid) {
      item.valid = false;
      feed.problems.push_back(PageProblem{
          item.line, absl::StrCat("guid ", Quoted(item.episode.guid()), " repeats the item at line ", first->second)});
    }
  }
  if (errors.truncated && !feed.items.empty()) {
    FeedItem& last = feed.items.back();
    if (last.valid) {
      last.valid = false;
      feed.problems.push_back(PageProblem{
          last.line, absl::StrCat("the feed ends inside this item (line ", errors.truncated_line, "); it is cut off")});
    }
  }
  warnings.Finish();
  std::stable_sort(feed.problems.begin(), feed.problems.end(),
                   [](const PageProblem& a, const PageProblem& b) { return a.line < b.line; });
  return feed;
}

}  // namespace podmeta::domain
