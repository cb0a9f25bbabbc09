// Writing feeds (feed.h) with libxml2's xmlTextWriter, which escapes every
// text and attribute, so what a podcast's fields hold cannot break the XML.
#include <libxml/xmlwriter.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "domain/feed.h"
#include "domain/validation.h"

namespace podmeta::domain {
namespace {

constexpr char kItunes[] = "http://www.itunes.com/dtds/podcast-1.0.dtd";
constexpr char kPodcast[] = "https://podcastindex.org/namespace/1.0";
constexpr char kContent[] = "http://purl.org/rss/1.0/modules/content/";
constexpr char kAtom[] = "http://www.w3.org/2005/Atom";

const xmlChar* X(const char* text) { return reinterpret_cast<const xmlChar*>(text); }

// Seconds as feeds write them: whole when whole, else with milliseconds.
std::string SecondsText(const google::protobuf::Duration& duration) {
  const int64_t millis = duration.seconds() * 1000 + duration.nanos() / 1000000;
  if (millis % 1000 == 0) return absl::StrCat(millis / 1000);
  std::string text = absl::StrFormat("%d.%03d", millis / 1000, millis % 1000);
  while (text.back() == '0') text.pop_back();
  return text;
}

std::string Rfc822(const google::protobuf::Timestamp& time) {
  return absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", absl::FromUnixSeconds(time.seconds()), absl::UTCTimeZone());
}

// `text` without the characters XML cannot carry.
std::string Carriable(const std::string& text) { return WithoutNonXmlCharacters(text); }

class Writer {
 public:
  Writer() : buffer_(xmlBufferCreate()), writer_(xmlNewTextWriterMemory(buffer_, 0)) {
    xmlTextWriterSetIndent(writer_, 1);
    xmlTextWriterSetIndentString(writer_, X("  "));
  }
  ~Writer() {
    if (writer_ != nullptr) xmlFreeTextWriter(writer_);
    xmlBufferFree(buffer_);
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void Start(const char* name) { xmlTextWriterStartElement(writer_, X(name)); }
  void End() { xmlTextWriterEndElement(writer_); }
  // Every text written goes through Carriable: xmlTextWriter escapes markup
  // but writes control characters as they are, and one would make the whole
  // feed ill-formed. Writes refuse them and imports drop them; this keeps
  // anything stored before that out too.
  void Attribute(const char* name, const std::string& value) {
    xmlTextWriterWriteAttribute(writer_, X(name), X(Carriable(value).c_str()));
  }
  // An element with text; skipped when the text is empty.
  void Text(const char* name, const std::string& text) {
    if (text.empty()) return;
    xmlTextWriterWriteElement(writer_, X(name), X(Carriable(text).c_str()));
  }
  void TextAlways(const std::string& text) { xmlTextWriterWriteString(writer_, X(Carriable(text).c_str())); }
  // HTML in CDATA, as feeds carry it; a "]]>" inside is split across two
  // sections.
  void Cdata(const char* name, const std::string& html) {
    if (html.empty()) return;
    Start(name);
    xmlTextWriterWriteCDATA(writer_, X(absl::StrReplaceAll(Carriable(html), {{"]]>", "]]]]><![CDATA[>"}}).c_str()));
    End();
  }
  void Bool(const char* name, bool value) { Text(name, value ? "true" : "false"); }

  void Document(const v1::Podcast& podcast, const std::vector<v1::Episode>& episodes, const FeedWriteOptions& options) {
    xmlTextWriterStartDocument(writer_, "1.0", "UTF-8", nullptr);
    Start("rss");
    Attribute("version", "2.0");
    Attribute("xmlns:itunes", kItunes);
    Attribute("xmlns:podcast", kPodcast);
    Attribute("xmlns:content", kContent);
    Attribute("xmlns:atom", kAtom);
    Start("channel");
    Channel(podcast);
    for (const v1::Episode& episode : episodes) Item(episode, options);
    End();
    End();
    xmlTextWriterEndDocument(writer_);
  }

  std::string Result() {
    xmlFreeTextWriter(writer_);  // flushes
    writer_ = nullptr;
    return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_)), xmlBufferLength(buffer_));
  }

 private:
  void Person(const v1::Person& person) {
    Start("podcast:person");
    if (!person.taxonomy_role().empty()) {
      Attribute("role", person.taxonomy_role());
    } else if (person.role() == v1::Person::GUEST) {
      Attribute("role", "guest");
    } else if (person.role() == v1::Person::HOST) {
      Attribute("role", "host");
    }
    if (!person.group().empty()) Attribute("group", person.group());
    if (!person.image_uri().empty()) Attribute("img", person.image_uri());
    if (!person.uri().empty()) Attribute("href", person.uri());
    TextAlways(person.display_name());
    End();
  }

  void Channel(const v1::Podcast& podcast) {
    Text("title", podcast.title());
    Text("link", podcast.link_uri());
    Text("description", podcast.description());
    Text("language", podcast.language());
    Text("copyright", podcast.copyright());
    Text("generator", "podmeta");
    if (!podcast.feed_uri().empty()) {
      Start("atom:link");
      Attribute("href", podcast.feed_uri());
      Attribute("rel", "self");
      Attribute("type", "application/rss+xml");
      End();
    }
    Text("itunes:author", podcast.author());
    if (podcast.has_owner()) {
      Start("itunes:owner");
      Text("itunes:name", podcast.owner().name());
      Text("itunes:email", podcast.owner().email());
      End();
    }
    if (!podcast.image_uri().empty()) {
      Start("itunes:image");
      Attribute("href", podcast.image_uri());
      End();
    }
    for (const v1::Category& category : podcast.categories()) {
      Start("itunes:category");
      Attribute("text", category.name());
      for (const std::string& sub : category.subcategories()) {
        Start("itunes:category");
        Attribute("text", sub);
        End();
      }
      End();
    }
    if (podcast.type() == v1::Podcast::SERIAL) Text("itunes:type", "serial");
    if (podcast.type() == v1::Podcast::EPISODIC) Text("itunes:type", "episodic");
    if (podcast.has_explicit_()) Bool("itunes:explicit", podcast.explicit_());
    if (podcast.has_locked()) {
      Start("podcast:locked");
      if (!podcast.locked_owner().empty()) Attribute("owner", podcast.locked_owner());
      TextAlways(podcast.locked() ? "yes" : "no");
      End();
    }
    Text("podcast:guid", podcast.guid());
    for (const v1::FundingLink& funding : podcast.funding()) {
      Start("podcast:funding");
      Attribute("url", funding.uri());
      TextAlways(funding.text());
      End();
    }
    Text("podcast:medium", podcast.medium());
    for (const v1::Person& person : podcast.people()) Person(person);
  }

  void Item(const v1::Episode& episode, const FeedWriteOptions& options) {
    Start("item");
    Text("title", episode.title());
    Text("itunes:title", episode.itunes_title());
    Text("link", episode.link_uri());
    Start("guid");
    Attribute("isPermaLink", "false");
    TextAlways(episode.guid());
    End();
    Text("pubDate", Rfc822(episode.publish_time()));
    Text("description", episode.description());
    Cdata("content:encoded", episode.show_notes_html());
    if (!episode.enclosure().uri().empty()) {
      Start("enclosure");
      Attribute("url", episode.enclosure().uri());
      Attribute("length", absl::StrCat(episode.enclosure().length_bytes()));
      Attribute("type", episode.enclosure().mime_type());
      End();
    }
    if (episode.duration().seconds() != 0 || episode.duration().nanos() != 0) {
      Text("itunes:duration", SecondsText(episode.duration()));
    }
    if (!episode.image_uri().empty()) {
      Start("itunes:image");
      Attribute("href", episode.image_uri());
      End();
    }
    if (episode.has_explicit_()) Bool("itunes:explicit", episode.explicit_());
    if (episode.type() == v1::Episode::FULL) Text("itunes:episodeType", "full");
    if (episode.type() == v1::Episode::TRAILER) Text("itunes:episodeType", "trailer");
    if (episode.type() == v1::Episode::BONUS) Text("itunes:episodeType", "bonus");
    if (episode.has_season()) {
      Text("itunes:season", absl::StrCat(episode.season()));
      Start("podcast:season");
      if (!episode.season_name().empty()) Attribute("name", episode.season_name());
      TextAlways(absl::StrCat(episode.season()));
      End();
    }
    if (episode.has_number()) {
      Text("itunes:episode", absl::StrCat(episode.number()));
      Start("podcast:episode");
      if (!episode.number_display().empty()) Attribute("display", episode.number_display());
      TextAlways(absl::StrCat(episode.number()));
      End();
    }
    std::string chapters_uri = episode.chapters_uri();
    if (!options.public_base_uri.empty() && episode.chapters_size() > 0) {
      chapters_uri =
          absl::StrCat(absl::StripSuffix(options.public_base_uri, "/"), "/v1/", episode.name(), "/chapters.json");
    }
    if (!chapters_uri.empty()) {
      Start("podcast:chapters");
      Attribute("url", chapters_uri);
      Attribute("type", "application/json+chapters");
      End();
    }
    for (const v1::Transcript& transcript : episode.transcripts()) {
      Start("podcast:transcript");
      Attribute("url", transcript.uri());
      Attribute("type", transcript.mime_type());
      if (!transcript.language().empty()) Attribute("language", transcript.language());
      if (!transcript.rel().empty()) Attribute("rel", transcript.rel());
      End();
    }
    for (const v1::Soundbite& soundbite : episode.soundbites()) {
      Start("podcast:soundbite");
      Attribute("startTime", SecondsText(soundbite.start_offset()));
      Attribute("duration", SecondsText(soundbite.duration()));
      TextAlways(soundbite.title());
      End();
    }
    for (const v1::Person& person : episode.people()) Person(person);
    End();
  }

  xmlBufferPtr buffer_;
  xmlTextWriterPtr writer_;
};

}  // namespace

std::string WriteFeed(const v1::Podcast& podcast, const std::vector<v1::Episode>& episodes,
                      const FeedWriteOptions& options) {
  Writer writer;
  writer.Document(podcast, episodes, options);
  return writer.Result();
}

}  // namespace podmeta::domain
