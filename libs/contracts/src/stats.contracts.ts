/** Contracts owned by the stats service (filled in with the domain-services issue). */
export {};
