/** Contracts owned by the treasury service (filled in with the domain-services issue). */
export {};
