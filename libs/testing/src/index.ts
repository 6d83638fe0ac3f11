/**
 * @bitcraps/testing: real infrastructure for tests (DESIGN.md section 13). Starts NATS
 * JetStream and Redis (containers, else binaries on free ports), hands them to jest
 * workers, and runs services in-process or as child processes that can be killed; and
 * fast-check arbitraries of hostile messages for fuzzing subjects (hostile.ts).
 */
export { Infrastructure, type InfraMode } from './infrastructure';
export { dockerAnswers, type ContainerEngine, type ContainerSpec, type RunningContainer } from './containers';
export { freePort, STANDARD_PORTS } from './ports';
export { uniqueName, sharedInfraUrls } from './names';
export { ServiceProcess, InProcessService } from './service-process';
export { MAX_PAYLOAD, PROTOTYPE_KEYS, encodeText, failsSchema, hostileBody, hostileEnvelope, hostileHeaderName, hostileHeaderValue, nearSchema, rawBytes, rawJsonValue, weirdNumber } from './hostile';
