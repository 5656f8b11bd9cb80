package dev.discordoo.sharding.cluster;

/**
 * Gives the cluster as this node sees it. A type of its own, free of Curator's, so that
 * health and the endpoint can ask for it without Curator on the class path.
 */
@FunctionalInterface
public interface ClusterStatusSource {

	/**
	 * Return the cluster as this node sees it now.
	 * @return the status
	 */
	ClusterStatus status();

}
