"""SearchEpisodes latency on podcasts/show-0 of bench/generate_data.py's data,
one client: COUNT calls of each of four one-word queries ("the" and "python"
are in a large share of all titles) and four two-word ones. Prints
"p50 p99 p50 p99" in milliseconds, one word first.

    search_latency.py ADDRESS COUNT
"""
import sys
import time

import grpc
from podmeta.v1 import episode_service_pb2 as es, episode_service_pb2_grpc as esg

ONE_WORD = ["python", "the", "łukasz", "pyrepl"]
TWO_WORDS = ["free threading", "garbage collector", "the python", "señal café"]


def percentiles(stub, queries, count):
    latencies = []
    for query in queries:
        for _ in range(count):
            start = time.perf_counter()
            stub.SearchEpisodes(es.SearchEpisodesRequest(parent="podcasts/show-0", query=query, page_size=20),
                                timeout=60)
            latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return f"{latencies[len(latencies) // 2]:.1f} {p99:.1f}"


def main():
    address, count = sys.argv[1], int(sys.argv[2])
    stub = esg.EpisodeServiceStub(grpc.insecure_channel(address))
    print(percentiles(stub, ONE_WORD, count), percentiles(stub, TWO_WORDS, count))


if __name__ == "__main__":
    main()
