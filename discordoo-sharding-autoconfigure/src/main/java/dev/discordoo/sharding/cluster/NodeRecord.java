package dev.discordoo.sharding.cluster;

/**
 * What a node says of itself in its membership znode.
 *
 * @param name the node's name
 * @param capacity how many shards it may run
 * @param host its host name
 * @param pid its process id
 * @param leaving whether it is stopping and hands its shards over
 */
public record NodeRecord(String name, int capacity, String host, long pid, boolean leaving) {

	NodeRecord asLeaving() {
		return new NodeRecord(this.name, this.capacity, this.host, this.pid, true);
	}

}
