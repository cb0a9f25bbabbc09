// How the podmeta CLI prints: tables for people, protobuf's canonical JSON
// mapping for scripts, and errors (with field violations) on stderr.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "podmeta/v1/episode_service.pb.h"
#include "podmeta/v1/podcast_service.pb.h"

namespace podmeta::cli {

enum class Format { kTable, kJson };

// Exit codes API.md promises.
inline constexpr int kExitOk = 0;
inline constexpr int kExitOther = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotFound = 3;
inline constexpr int kExitInvalidInput = 4;
inline constexpr int kExitUnavailable = 5;

// Prints the error and its field violations to stderr; returns the exit code.
int ReportError(const absl::Status& status);

void PrintJson(const google::protobuf::Message& message);

void PrintPodcasts(const std::vector<v1::Podcast>& podcasts, Format format);
void PrintPodcast(const v1::Podcast& podcast, Format format);
void PrintEpisodes(const std::vector<v1::Episode>& episodes, int32_t total_size, Format format);
void PrintEpisode(const v1::Episode& episode, Format format);
void PrintChapters(const v1::Episode& episode, Format format);
// One line per change (table), or one JSON object per line (json), flushed
// at once so a pipe sees each event as it happens.
void PrintChange(const v1::EpisodeChange& change, Format format);
void PrintSearch(const v1::SearchEpisodesResponse& response, Format format);
void PrintImport(const v1::ImportShowPageResponse& response, bool dry_run, Format format);
void PrintImport(const v1::ImportFeedResponse& response, bool dry_run, Format format);

// "1:31:00" style.
std::string Clock(const google::protobuf::Duration& duration);

}  // namespace podmeta::cli
