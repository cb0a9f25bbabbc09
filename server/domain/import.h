// What importing a show page changes: the fields a page carries are written
// over what is stored; everything else (guids, people on episodes, images,
// explicit chapter ends set through the API) is left alone. Applying the same
// page twice changes nothing the second time.
#pragma once

#include "podmeta/v1/resources.pb.h"

namespace podmeta::domain {

void ApplyImportedPodcast(const v1::Podcast& imported, v1::Podcast& stored);
void ApplyImportedEpisode(const v1::Episode& imported, v1::Episode& stored);

// A show page's outline is SHOW_PAGE chapters (replacing any others: the
// page is what its publisher wrote).
v1::Episode::ChaptersSource ShowPageChaptersSource(const v1::Episode& imported);

}  // namespace podmeta::domain
