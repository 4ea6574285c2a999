/** The i18n key naming each AI provider choice (the cloud types the API supports, and the built-in one). */
export const AI_PROVIDER_LABELS: Record<string, string> = {
  openai: "web.settings.ai.type.openai",
  claude: "web.settings.ai.type.claude",
  openrouter: "web.settings.ai.type.openrouter",
  local: "web.settings.ai.type.local",
};

export const aiProviderLabel = (t: (key: string) => string, type: string) =>
  AI_PROVIDER_LABELS[type] ? t(AI_PROVIDER_LABELS[type]) : type;
