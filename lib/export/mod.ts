// Public face of the export folder: copies of runs for other readers (FlowTime).
export { exportForFlowTime, type FlowTimeExport, type FlowTimeExportOptions } from "./flowtime.ts";
