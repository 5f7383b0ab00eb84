// What the test host's page offers the Node side of the test, and what it is
// given to show a view; shared by both, so it imports nothing but types.

import type { CallToolResult } from "@modelcontextprotocol/client";
import type { McpUiResourceCsp, McpUiStyles, McpUiTheme } from "@modelcontextprotocol/ext-apps/app-bridge";

export interface Mount {
  html: string;
  csp: McpUiResourceCsp | undefined;
  sandboxUrl: string;
  toolName: string;
  toolInput: Record<string, unknown>;
  toolResult: CallToolResult;
  theme: McpUiTheme;
  /** Whether the host sends its CSS variables with the theme (some hosts send the theme alone). */
  variables: boolean;
  width: number;
}

/** The page's `viewHost` global. */
export interface HostPage {
  viewHost: {
    mount(m: Mount): Promise<void>;
    setTheme(theme: McpUiTheme): Promise<void>;
  };
}

/** What the Node side exposes on the page (playwright's exposeFunction). */
export interface HostSide {
  hostCallTool(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  hostModelContext(params: unknown): Promise<void>;
}

/** A host's theme as CSS variables, like the ones Claude or VS Code send. */
export const THEMES: Record<McpUiTheme, Partial<McpUiStyles>> = {
  light: {
    "--color-background-primary": "rgb(250, 249, 245)",
    "--color-background-secondary": "rgb(240, 238, 230)",
    "--color-text-primary": "rgb(20, 20, 19)",
    "--color-text-secondary": "rgb(94, 93, 89)",
    "--color-border-primary": "rgb(222, 220, 209)",
    "--font-sans": "system-ui, sans-serif",
  },
  dark: {
    "--color-background-primary": "rgb(38, 38, 36)",
    "--color-background-secondary": "rgb(48, 48, 46)",
    "--color-text-primary": "rgb(250, 249, 245)",
    "--color-text-secondary": "rgb(194, 192, 182)",
    "--color-border-primary": "rgb(74, 73, 69)",
    "--font-sans": "system-ui, sans-serif",
  },
};
