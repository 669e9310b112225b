// Loaded on first use so the first paint does not wait for the chart library.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export default uPlot;
