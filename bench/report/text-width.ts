/** The text-width estimate is shared with the dashboard's pictures; it lives in ui/plots. */
export { charEm, textWidth } from '../../ui/plots/text-width.js';
