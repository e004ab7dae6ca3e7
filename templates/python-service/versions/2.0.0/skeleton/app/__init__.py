"""${{ values.name }}: ${{ values.description }}"""
