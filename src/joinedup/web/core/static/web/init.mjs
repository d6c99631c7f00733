// Starts GOV.UK Frontend's components (skip link, radios, accordions, service navigation...).
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

initAll();
