"""The model's DataCollector: Mesa's, with an empty table for an agent type that has no agents."""

from __future__ import annotations

import pandas as pd
from mesa import DataCollector


class CoalitionDataCollector(DataCollector):
    """Mesa's DataCollector; an agent type with no agents gives an empty table.

    Mesa 3.5 gives two rows of NaN labelled ``Step`` and ``AgentID`` instead (reported
    upstream as mesa#3742): with ``community="absent"`` the community partners have none.
    """

    def get_agenttype_vars_dataframe(self, agent_type):
        """The rows of ``agent_type``'s reporters, indexed by ``Step`` and ``AgentID`` (none: an empty table)."""
        reporters = self.agenttype_reporters.get(agent_type)
        if reporters is not None and not any(records.get(agent_type) for records in self._agenttype_records.values()):
            index = pd.MultiIndex.from_arrays([[], []], names=["Step", "AgentID"])
            return pd.DataFrame(columns=list(reporters), index=index)
        return super().get_agenttype_vars_dataframe(agent_type)
