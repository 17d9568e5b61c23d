/*
 * packet_stats: the kernel's receive counters of this process's packet sockets (Linux AF_PACKET), for live capture.
 *
 * libpcap's pcap_stats() on Linux is getsockopt(fd, SOL_PACKET, PACKET_STATISTICS) on its capture socket
 * (packet(7)): tp_packets (received, drops included) and tp_drops (dropped because the socket's buffer or ring was
 * full), both reset to zero by each read. The binding used for capture does not expose pcap_stats() nor its socket,
 * so this addon finds the packet sockets among the process's open descriptors (/proc/self/fd, then SO_DOMAIN) and
 * reads their counters. The caller sums the readings: each read starts the counters over.
 *
 * socketStatistics() -> [{ fd, packets, drops }, ...]   one entry per AF_PACKET socket open in this process
 */
#include <node_api.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/if_packet.h>
#endif

#define MAX_SOCKETS 64

struct reading {
  int fd;
  unsigned int packets;
  unsigned int drops;
};

static int read_packet_sockets(struct reading *out, int max) {
  int count = 0;
#ifdef __linux__
  DIR *dir = opendir("/proc/self/fd");
  if (dir == NULL) return -errno;
  int dir_fd = dirfd(dir);
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL && count < max) {
    char *end;
    long fd = strtol(entry->d_name, &end, 10);
    if (*end != '\0' || fd < 0 || fd == dir_fd) continue;
    struct stat st;
    if (fstat((int)fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    int domain = 0;
    socklen_t length = sizeof(domain);
    if (getsockopt((int)fd, SOL_SOCKET, SO_DOMAIN, &domain, &length) != 0 || domain != AF_PACKET) continue;
    /* the larger TPACKET_V3 layout: the kernel copies what the socket's version has (tp_packets, tp_drops first) */
    struct tpacket_stats_v3 stats;
    memset(&stats, 0, sizeof(stats));
    length = sizeof(stats);
    if (getsockopt((int)fd, SOL_PACKET, PACKET_STATISTICS, &stats, &length) != 0) continue;
    out[count].fd = (int)fd;
    out[count].packets = stats.tp_packets;
    out[count].drops = stats.tp_drops;
    count++;
  }
  closedir(dir);
#else
  (void)out;
  (void)max;
#endif
  return count;
}

static napi_value set_number(napi_env env, napi_value object, const char *name, double value) {
  napi_value number;
  napi_create_double(env, value, &number);
  napi_set_named_property(env, object, name, number);
  return object;
}

static napi_value socket_statistics(napi_env env, napi_callback_info info) {
  (void)info;
  struct reading readings[MAX_SOCKETS];
  int count = read_packet_sockets(readings, MAX_SOCKETS);
  if (count < 0) {
    napi_throw_error(env, NULL, strerror(-count));
    return NULL;
  }
  napi_value result;
  napi_create_array_with_length(env, (size_t)count, &result);
  for (int i = 0; i < count; i++) {
    napi_value item;
    napi_create_object(env, &item);
    set_number(env, item, "fd", readings[i].fd);
    set_number(env, item, "packets", readings[i].packets);
    set_number(env, item, "drops", readings[i].drops);
    napi_set_element(env, result, (uint32_t)i, item);
  }
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "socketStatistics", NAPI_AUTO_LENGTH, socket_statistics, NULL, &fn);
  napi_set_named_property(env, exports, "socketStatistics", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
