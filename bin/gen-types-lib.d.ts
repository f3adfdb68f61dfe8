export declare const SCHEMA_PATH: string;
export declare const TYPES_PATH: string;
export declare function renderInventoryTypes(): Promise<string>;
