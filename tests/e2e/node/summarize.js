// Independent client: @grpc/grpc-js (pure JavaScript HTTP/2) with protos
// loaded at run time. Prints a summary of a podcast's episodes as JSON, in
// the same shape tests/e2e/interop_test.py builds from Python, so the test
// can compare what both clients received.
//
//   node summarize.js ADDRESS PROTO_ROOT PODCAST_NAME
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [address, protoRoot, podcast] = process.argv.slice(2);
const definition = protoLoader.loadSync('podmeta/v1/episode_service.proto', {
  // googleapis' google/api protos (HTTP mapping, field behaviour, resources),
  // the pinned npm package the build uses too (third_party/package.json).
  includeDirs: [protoRoot, process.env.PODMETA_GOOGLEAPIS_PROTO_DIR ||
                path.join(__dirname, '..', '..', '..', 'third_party', 'node_modules', 'google-proto-files')],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
});
const v1 = grpc.loadPackageDefinition(definition).podmeta.v1;
const episodes = new v1.EpisodeService(address, grpc.credentials.createInsecure());

function seconds(duration) {
  return Number(duration.seconds) + duration.nanos / 1e9;
}

function listAll(pageToken, collected, done) {
  episodes.ListEpisodes({parent: podcast, page_size: 3, page_token: pageToken}, (error, page) => {
    if (error) return done(error);
    collected.push(...page.episodes);
    if (page.next_page_token) return listAll(page.next_page_token, collected, done);
    done(null, collected);
  });
}

listAll('', [], (error, all) => {
  if (error) {
    console.error(`ListEpisodes failed: ${error.code} ${error.details}`);
    process.exit(1);
  }
  const summary = all.map((episode) => ({
    name: episode.name,
    number: episode.number === undefined || episode.number === null ? null : episode.number,
    title: episode.title,
    snip_count: episode.snip_count,
    duration: seconds(episode.duration),
    chapters: episode.chapters.map((chapter) => [seconds(chapter.start_offset), chapter.title, chapter.part]),
  }));
  episodes.GetEpisode({name: `${podcast}/episodes/none`}, (notFound) => {
    console.log(JSON.stringify({episodes: summary, missing_code: notFound ? notFound.code : 0}));
    process.exit(0);
  });
});
